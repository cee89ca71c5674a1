package dev.portcullis.proxy.browser;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a child process the harness started, and whatever it started (kernels, shells, the browser), by their PIDs:
 * SIGTERM to the child first so that it can clean up, then SIGKILL to anything still alive after a grace.
 *
 * <p>Stateless.
 */
public final class ChildProcesses {
    private static final Logger logger = LoggerFactory.getLogger(ChildProcesses.class);

    private ChildProcesses() {}

    public static void stop(Process process, Duration grace) {
        // Descendants are listed before the parent goes: once it exits, they are re-parented and no longer found.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("pid {} ignored SIGTERM for {}; killing it", process.pid(), grace);
                process.destroyForcibly();
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                logger.info("pid {} outlived its parent {}; killing it", child.pid(), process.pid());
                child.destroyForcibly();
            }
        }
    }
}
