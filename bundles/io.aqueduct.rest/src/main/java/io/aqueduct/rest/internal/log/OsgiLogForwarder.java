package io.aqueduct.rest.internal.log;

import java.util.Collections;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the OSGi Log Service's entries to slf4j, so that what SCR, ConfigAdmin and FileInstall report (a
 * component that failed to activate, a configuration file applied) reaches {@code logs/aqueduct.log} like
 * every other line. Without it those entries stay in the Log Service's memory, where no operator looks.
 *
 * <p>Entries logged before this bundle started (framework start-up) are replayed once, in order. The
 * framework's own event entries (loggers {@code Events.Bundle}, {@code Events.Service},
 * {@code Events.Framework}: one per bundle and service change) are left out; they are noise in a log file.
 */
@Component(immediate = true)
public final class OsgiLogForwarder implements LogListener {

    @Reference
    private LogReaderService reader;

    @Activate
    void activate() {
        List<LogEntry> earlier = Collections.list(reader.getLog());
        reader.addLogListener(this);
        Collections.reverse(earlier); // getLog() is newest first
        for (LogEntry e : earlier) {
            logged(e);
        }
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        String loggerName = entry.getLoggerName();
        if (loggerName != null && loggerName.startsWith("Events.")) {
            return;
        }
        Logger log = LoggerFactory.getLogger(loggerName(entry));
        String message = entry.getMessage();
        Throwable error = entry.getException();
        switch (entry.getLogLevel()) {
            case ERROR -> log.error(message, error);
            case WARN -> log.warn(message, error);
            case INFO, AUDIT -> log.info(message, error);
            case DEBUG -> log.debug(message, error);
            case TRACE -> log.trace(message, error);
            default -> log.info(message, error);
        }
    }

    /** Named after the bundle that logged ({@code org.apache.felix.scr}); the Log Service's own names say little. */
    private static String loggerName(LogEntry entry) {
        Bundle b = entry.getBundle();
        String name = b == null ? null : b.getSymbolicName();
        return name != null ? name : entry.getLoggerName();
    }
}
