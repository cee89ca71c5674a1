package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.ProxyConfig;
import dev.portcullis.proxy.ProxyServer;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistries;
import dev.portcullis.registry.SessionRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis proxy --config proxy.yaml}: one proxy node. */
@Command(name = "proxy", mixinStandardHelpOptions = true, description = "Run a proxy node (public, tunnel and admin listeners).")
public final class ProxyCommand implements Callable<Integer> {
    private static final Logger logger = LoggerFactory.getLogger(ProxyCommand.class);

    @Option(names = {"-c", "--config"}, required = true, description = "YAML config file (see configs/proxy.yaml).")
    Path config;

    @Override
    public Integer call() throws Exception {
        Path file = config.toAbsolutePath();
        ProxyFile f = ProxyFile.read(file);
        ProxyConfig cfg = f.toConfig(file.getParent());
        Shutdown shutdown = new Shutdown();
        SessionRegistry registry = shutdown.add(SessionRegistries.create(f.registrySpec(), Clock.systemUTC()));
        for (SessionRecord s : f.staticSessions()) {
            registry.putSession(s);
        }
        ProxyServer server = shutdown.add(ProxyServer.start(cfg, registry));
        logger.info("proxy node {} up: public {}, tunnel {}, admin {}", server.nodeId(), server.publicAddress(),
                server.tunnelAddress(), server.adminAddress());
        shutdown.awaitSignal();
        return 0;
    }
}
