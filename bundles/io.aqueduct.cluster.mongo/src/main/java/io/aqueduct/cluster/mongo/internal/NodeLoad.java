package io.aqueduct.cluster.mongo.internal;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * This JVM's load for the heartbeat: its share of the machine's CPU (the {@code ProcessCpuLoad} attribute of the
 * platform's operating system MBean, read by name so no {@code com.sun.management} import is needed) and its heap.
 */
final class NodeLoad {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName os;

    NodeLoad() {
        ObjectName name;
        try {
            name = new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
        } catch (javax.management.MalformedObjectNameException e) {
            name = null;
        }
        this.os = name;
    }

    /** CPU used by this process since the previous call, 0 to 1 of the whole machine; -1 when unknown. */
    double cpu() {
        try {
            Object v = server.getAttribute(os, "ProcessCpuLoad");
            return v instanceof Number n && n.doubleValue() >= 0 ? n.doubleValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    long memoryUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    long memoryMax() {
        return Runtime.getRuntime().maxMemory();
    }
}
