package dev.portcullis.proxy;

import dev.portcullis.proxy.cli.AgentCommand;
import dev.portcullis.proxy.cli.ConfigException;
import dev.portcullis.proxy.cli.DemoCommand;
import dev.portcullis.proxy.cli.KeygenCommand;
import dev.portcullis.proxy.cli.ProxyCommand;
import dev.portcullis.proxy.cli.TermCommand;
import dev.portcullis.proxy.cli.SampleAppCommand;
import dev.portcullis.proxy.cli.TokenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code portcullis} launcher: {@code proxy}, {@code agent}, {@code demo}, {@code token} and {@code term} subcommands. */
@Command(
        name = "portcullis",
        mixinStandardHelpOptions = true,
        version = "portcullis 0.1.0",
        description = "A token-gated AppProxy for interactive sessions.",
        subcommands = {ProxyCommand.class, AgentCommand.class, DemoCommand.class, TokenCommand.class,
                TermCommand.class, KeygenCommand.class, SampleAppCommand.class})
public final class PortcullisMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Netty reads it once, when its leak detector's class loads: set before any Netty class is touched. */
    static final String LEAK_SAMPLING = "io.netty.leakDetection.samplingInterval";

    /**
     * One buffer in 4096 is tracked for leaks instead of Netty's default one in 128. At the default, recording stack
     * traces and wrapping the sampled buffers cost 5-15% of the CPU of a WebSocket echo through proxy and agent
     * (BENCHMARKS.md, "Netty's leak detector"); one in 4096 still reports a buffer that leaks on every request after a few
     * thousand requests. An operator's own {@code -Dio.netty.leakDetection.*} wins; the tests run at paranoid.
     */
    static void defaultLeakSampling() {
        if (System.getProperty(LEAK_SAMPLING) == null) {
            System.setProperty(LEAK_SAMPLING, "4096");
        }
    }

    public static void main(String[] args) {
        defaultLeakSampling();
        CommandLine cli = new CommandLine(new PortcullisMain());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("portcullis: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
