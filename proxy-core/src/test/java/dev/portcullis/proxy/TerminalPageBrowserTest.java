package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.BrowserUrls.Mode;
import dev.portcullis.proxy.browser.BrowserRun;
import dev.portcullis.proxy.browser.BrowserScripts;
import dev.portcullis.proxy.browser.BrowserTools;
import dev.portcullis.proxy.terminal.TerminalBackend;
import dev.portcullis.proxy.terminal.TerminalConfig;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.TunnelSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Portcullis's own terminal page (ui-static, xterm.js) in headless Chromium, on the PTY terminal backend behind the
 * agent, in path and subdomain mode: a launch link, the page at {@code <app>/.portcullis/terminal}, a command typed
 * and its output seen, and a smaller window whose size reaches the shell. Screenshots in
 * {@code target/browser-artifacts/<mode>/terminal-page/}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TerminalPageBrowserTest {
    @TempDir
    Path dir;

    TerminalBackend backend;
    ProxyTestKit kit;

    @BeforeAll
    static void tools() {
        BrowserTools.require(false);
        BrowserScripts.installDependencies();
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void terminalPageRunsACommandAndTellsTheShellItsSize(Mode mode) throws Exception {
        backend = TerminalBackend.start("127.0.0.1", 0, TerminalConfig.builder()
                .command(List.of("/bin/bash", "--norc", "--noprofile", "-i"))
                .env("PS1", "$ ")
                .directory(dir)
                .build());
        kit = ProxyTestKit.start(backend.port(), TunnelSettings.defaults(), 1,
                b -> mode == Mode.SUBDOMAIN ? b.appsDomain(BrowserUrls.APPS_DOMAIN) : b);
        kit.registry.putSession(new SessionRecord(new SessionId(ProxyTestKit.SESSION), ProxyTestKit.OWNER,
                ProxyTestKit.AGENT, List.of(new AppSpec(ProxyTestKit.APP, backend.port(), AppKind.TERMINAL))));
        BrowserUrls urls = new BrowserUrls(mode, kit);
        Map<String, Object> options = new HashMap<>();
        options.put("launchUrl", urls.launchUrl(ProxyTestKit.SESSION, ProxyTestKit.OWNER));
        options.put("appUrl", urls.appUrl(ProxyTestKit.SESSION));
        options.put("pagePath", ".portcullis/terminal");
        options.put("command", "echo hello-$((2+3))");
        options.put("expect", "hello-5");

        BrowserRun run = urls.run("terminal-page.mjs", "terminal-page", options);

        run.assertPassed("follow launch link", "open the terminal page", "run echo hello-$((2+3))", "resize the window");
        assertThat(run.step("open the terminal page").detail()).isEqualTo("Connected");
        assertThat(run.step("run echo hello-$((2+3))").detail()).isEqualTo("hello-5");
        // The shell's `stty size` equals the page's new, smaller rows and columns (the script compares them).
        assertThat(run.step("resize the window").detail()).matches("\\d+ \\d+");
    }
}
