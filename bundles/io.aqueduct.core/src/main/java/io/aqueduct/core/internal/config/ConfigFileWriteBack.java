package io.aqueduct.core.internal.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes configuration edits made in the Web Console land in {@code config/<pid>.cfg}, so they survive a restart.
 *
 * <p>FileInstall writes a changed configuration back to its file only while the configuration carries the
 * {@value #FILENAME} property, and Web Console 5 drops that property when it saves. When a configuration is
 * updated without it and its file exists in FileInstall's directory, this puts the property back; FileInstall
 * then writes the file (keeping its comments). Configurations that have no file (the ones components derive,
 * such as Jetty's {@code org.apache.felix.http}) and factory configurations are left alone.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public final class ConfigFileWriteBack implements ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWriteBack.class);
    static final String FILENAME = "felix.fileinstall.filename";

    private final ConfigurationAdmin configAdmin;
    private final Path directory;

    @Activate
    public ConfigFileWriteBack(@Reference ConfigurationAdmin configAdmin, BundleContext context) {
        this(configAdmin, directory(context));
    }

    ConfigFileWriteBack(ConfigurationAdmin configAdmin, Path directory) {
        this.configAdmin = configAdmin;
        this.directory = directory;
    }

    private static Path directory(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED || event.getFactoryPid() != null || directory == null) {
            return;
        }
        String pid = event.getPid();
        Path file = directory.resolve(pid + ".cfg");
        if (!file.getParent().equals(directory) || !Files.isRegularFile(file)) {
            return;
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null) {
                return;
            }
            Dictionary<String, Object> properties = found[0].getProperties();
            if (properties == null || properties.get(FILENAME) != null) {
                return; // FileInstall's own update, or one it can already write back
            }
            properties.put(FILENAME, file.toUri().toString());
            found[0].update(properties);
            LOG.info("Configuration {} changed outside its file; writing it to {}", pid, file);
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.warn("Configuration {} changed but could not be written to {}: {}", pid, file, e.toString());
        }
    }
}
