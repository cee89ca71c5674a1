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

    public static void main(String[] args) {
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
