package io.aqueduct.lb.internal.render;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The load balancers a configuration can be rendered for. */
public enum LbFormat {
    NGINX("nginx", "nginx.conf"),
    HAPROXY("haproxy", "haproxy.cfg");

    private final String configName;
    private final String templateFile;

    LbFormat(String configName, String templateFile) {
        this.configName = configName;
        this.templateFile = templateFile;
    }

    /** The name in settings: {@code nginx} or {@code haproxy}. */
    public String configName() {
        return configName;
    }

    /** The template's file name in {@code lb-templates/}: {@code nginx.conf} or {@code haproxy.cfg}. */
    public String templateFile() {
        return templateFile;
    }

    /**
     * The format named {@code s}, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static LbFormat parse(String s) {
        for (LbFormat f : values()) {
            if (s != null && f.configName.equalsIgnoreCase(s.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown load balancer format '" + s + "'; expected one of "
                + Arrays.stream(values()).map(LbFormat::configName).collect(Collectors.joining(", ")));
    }
}
