package io.aqueduct.bench.registryload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU time and resident memory of a process, from /proc (Linux). */
record ProcStat(double cpuSeconds, long rssBytes) {
    /** USER_HZ; 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    static final int CLK_TCK = Integer.getInteger("clk.tck", 100);

    /**
     * CPU seconds the machine spent busy (user, nice, system, irq, softirq, steal) from /proc/stat: index 0 all
     * cores together, then core 0, core 1, ...; empty when unreadable.
     */
    static double[] machineBusySeconds() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            List<Double> busy = new ArrayList<>();
            for (String line : lines) {
                if (!line.startsWith("cpu")) {
                    break;
                }
                String[] f = line.trim().split("\\s+");
                long ticks = 0;
                for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                    ticks += Long.parseLong(f[i]);
                }
                busy.add((double) ticks / CLK_TCK);
            }
            return busy.stream().mapToDouble(Double::doubleValue).toArray();
        } catch (IOException | RuntimeException e) {
            return new double[0];
        }
    }

    static ProcStat of(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // the command name (field 2) may hold spaces; the fields after its closing parenthesis do not
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return new ProcStat((double) ticks / CLK_TCK, rss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
