package dev.portcullis.proxy.cli;

import dev.portcullis.tunnel.AppTable;
import dev.portcullis.tunnel.TunnelClient;
import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.tls.TunnelTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis agent --config agent.yaml}: dials every listed proxy node; listens on nothing. */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run an agent on a compute node (dials out; no listening port).")
public final class AgentCommand implements Callable<Integer> {
    private static final Logger logger = LoggerFactory.getLogger(AgentCommand.class);
    private static final int MAX_TOKEN_BYTES = 16 * 1024;

    @Option(names = {"-c", "--config"}, required = true, description = "YAML config file (see configs/agent.yaml).")
    Path config;

    @Override
    public Integer call() throws Exception {
        Path file = config.toAbsolutePath();
        Path dir = file.getParent();
        AgentFile f = AgentFile.read(file);
        Path tokenFile = dir.resolve(ConfigFiles.require("token-file", f.tokenFile()));
        readToken(tokenFile); // fail at start, not at the first dial, if the token file is unreadable
        SslContextBuilder tls = TunnelTls.forClient();
        if (f.trustCa() != null) {
            tls.trustManager(dir.resolve(f.trustCa()).toFile());
        }
        SslContext ssl = tls.build();
        AppTable apps = new AppTable();
        f.fill(apps);
        Shutdown shutdown = new Shutdown();
        for (AgentFile.ProxyAddress p : f.requireProxies()) {
            TunnelClientConfig.Builder b = TunnelClientConfig.builder()
                    .proxy(p.host(), p.port())
                    .sslContext(ssl)
                    .serverName(f.serverName() != null ? f.serverName() : p.host())
                    .tokenSource(() -> readToken(tokenFile))
                    .apps(apps);
            if (f.connections() != null) {
                b.connections(f.connections());
            }
            if (f.appHost() != null) {
                b.appHost(f.appHost());
            }
            shutdown.add(TunnelClient.start(b.build()));
            logger.info("agent dialing {}:{}", p.host(), p.port());
        }
        shutdown.awaitSignal();
        return 0;
    }

    /** Re-read on every connect, so a renewed token file takes effect without restarting the agent. */
    static String readToken(Path tokenFile) {
        try {
            if (Files.size(tokenFile) > MAX_TOKEN_BYTES) {
                throw new ConfigException("token-file: " + tokenFile + " is larger than " + MAX_TOKEN_BYTES + " bytes");
            }
            return Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("token-file: " + tokenFile + ": cannot read", e);
        }
    }
}
