// Portcullis's own terminal page (ui-static terminal.html, xterm.js) on a session's terminal app: follow the launch
// link, open <app>/.portcullis/terminal, run a command and see its output, then shrink the window and see the shell
// learn the new size (set_size through the proxy and the tunnel to the PTY).
// Options: {"launchUrl", "appUrl" (ending in '/'), "pagePath" (e.g. ".portcullis/terminal"), "command", "expect",
// "outDir", "hostResolverRules"?}.
import { run, scenarioArgs } from './steps.mjs';

const options = scenarioArgs();

/** Whether a row of the terminal's screen reads exactly {@code text} (DOM renderer: rows are divs). */
function rowIs(text) {
    return [...document.querySelectorAll('#terminal .xterm-rows > div')].some((row) => row.textContent.trim() === text);
}

await run(options, async (s) => {
    const context = await s.newContext();
    const page = await context.newPage();
    s.page = page;

    await s.step('follow launch link', async () => {
        await page.goto(options.launchUrl);
        await page.waitForURL((url) => url.href.startsWith(options.appUrl));
        return page.url();
    });

    await s.step('open the terminal page', async () => {
        const response = await page.goto(options.appUrl + options.pagePath);
        if (!response || response.status() !== 200) {
            throw new Error(`terminal page answered ${response ? response.status() : 'nothing'}`);
        }
        await page.locator('body[data-state="connected"]').waitFor();
        // The shell's prompt arrives over the WebSocket.
        await page.waitForFunction(() => /\S/.test(document.querySelector('#terminal .xterm-rows').innerText));
        return await page.locator('#term-status').innerText();
    });

    await s.step(`run ${options.command}`, async () => {
        await page.locator('#terminal').click();
        await page.keyboard.type(options.command);
        await page.keyboard.press('Enter');
        await page.waitForFunction(rowIs, options.expect);
        return options.expect;
    });

    await s.step('resize the window', async () => {
        const before = await page.evaluate(() => window.portcullisTerminal.terminal.cols);
        await page.setViewportSize({ width: 700, height: 420 });
        await page.waitForFunction((cols) => window.portcullisTerminal.terminal.cols < cols, before);
        const { rows, cols } = await page.evaluate(() => ({
            rows: window.portcullisTerminal.terminal.rows,
            cols: window.portcullisTerminal.terminal.cols,
        }));
        await page.keyboard.type('clear; stty size');
        await page.keyboard.press('Enter');
        await page.waitForFunction(rowIs, `${rows} ${cols}`);
        return `${rows} ${cols}`;
    });

    await context.close();
});
