package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.demo.SampleApp;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code portcullis sample-app}: the demo's sample app on its own (page, {@code /ws} echo, {@code /download},
 * {@code /upload}, {@code /sse}), as a backend for load tests and benchmarks that run the proxy and the agent as
 * separate processes. Prints {@code sample app listening on HOST:PORT}, then runs until Ctrl-C or SIGTERM.
 */
@Command(name = "sample-app", mixinStandardHelpOptions = true,
        description = "Run the demo's sample app alone (a backend for load tests and benchmarks).")
public final class SampleAppCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "0", description = "Port (default ${DEFAULT-VALUE}: a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
        Shutdown shutdown = new Shutdown();
        SampleApp app = shutdown.add(SampleApp.start(host, port));
        PrintWriter out = spec.commandLine().getOut();
        out.println("sample app listening on " + app.address().getHostString() + ":" + app.port());
        out.flush();
        shutdown.awaitSignal();
        return 0;
    }
}
