package dev.portcullis.proxy.cli;

import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.tunnel.AppTable;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's config file, as documented in configs/agent.yaml. Relative paths resolve against the file's directory.
 */
record AgentFile(
        List<ProxyAddress> proxies,
        String serverName,
        String trustCa,
        String tokenFile,
        Integer connections,
        String appHost,
        List<App> apps) {

    record ProxyAddress(String host, Integer port) {}

    record App(String session, String app, Integer port) {}

    static AgentFile read(Path file) {
        return ConfigFiles.read(file, AgentFile.class);
    }

    List<ProxyAddress> requireProxies() {
        List<ProxyAddress> p = ConfigFiles.require("proxies", proxies);
        if (p.isEmpty()) {
            throw new ConfigException("proxies: empty (expected: at least one proxy node's tunnel address)");
        }
        for (int i = 0; i < p.size(); i++) {
            ConfigFiles.require("proxies[" + i + "].host", p.get(i).host());
            int port = ConfigFiles.require("proxies[" + i + "].port", p.get(i).port());
            if (port < 1 || port > 65535) {
                throw new ConfigException("proxies[" + i + "].port: " + port + " (expected: 1-65535)");
            }
        }
        return p;
    }

    /** Fills {@code table} with the apps this node runs; the agent connects to nothing else. */
    void fill(AppTable table) {
        if (apps == null) {
            return;
        }
        for (int i = 0; i < apps.size(); i++) {
            App a = apps.get(i);
            String key = "apps[" + i + "]";
            try {
                SessionId sid = new SessionId(ConfigFiles.require(key + ".session", a.session()));
                AppSpec spec = new AppSpec(
                        ConfigFiles.require(key + ".app", a.app()), ConfigFiles.require(key + ".port", a.port()),
                        dev.portcullis.registry.AppKind.HTTP);
                table.put(sid.value(), spec.name(), spec.port());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + ": " + e.getMessage(), e);
            }
        }
    }
}
