// A person opening a Jupyter notebook through Portcullis: follow the launch link, create a notebook, run print(6*7)
// and see 42 (HTTP + the kernel WebSocket), then open a Jupyter terminal, run echo hello-$((2+3)) and see hello-5
// (the terminal WebSocket); the same launch link, replayed in another browser, opens nothing.
// Options: {"launchUrl", "appUrl" (the app's root as the browser sees it, ending in '/'), "outDir",
// "hostResolverRules"?}.
import { run, scenarioArgs } from './steps.mjs';

const options = scenarioArgs();

await run(options, async (s) => {
    const context = await s.newContext();
    s.page = await context.newPage();
    const tree = s.page;

    await s.step('follow launch link', async () => {
        const response = await tree.goto(options.launchUrl);
        await tree.waitForURL((url) => url.href.startsWith(options.appUrl + 'tree'));
        if (tree.url().includes('token=')) {
            throw new Error(`the launch token is still in the URL: ${tree.url()}`);
        }
        await tree.locator('#notebook_list').waitFor();
        return `landed on ${tree.url()} (${response ? response.status() : 'no response'})`;
    });

    let notebook;
    await s.step('create notebook', async () => {
        await tree.click('#new-dropdown-button');
        const [opened] = await Promise.all([
            context.waitForEvent('page'),
            tree.click('#new-menu li[id^="kernel-"] a'),
        ]);
        notebook = opened;
        s.page = notebook;
        await notebook.waitForURL(/\/notebooks\/.*\.ipynb/);
        await notebook.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor();
        return notebook.url();
    });

    await s.step('run print(6*7)', async () => {
        await notebook.locator('.cell .CodeMirror').first().click();
        await notebook.keyboard.type('print(6*7)');
        await notebook.keyboard.press('Shift+Enter');
        const output = notebook.locator('.cell .output_subarea').first();
        await output.waitFor();
        const text = (await output.innerText()).trim();
        if (text !== '42') {
            throw new Error(`expected output 42, got ${JSON.stringify(text)}`);
        }
        return text;
    });

    let terminal;
    await s.step('open terminal', async () => {
        s.page = tree;
        await tree.bringToFront();
        await tree.click('#new-dropdown-button');
        const [opened] = await Promise.all([
            context.waitForEvent('page'),
            tree.click('#new-terminal a'),
        ]);
        terminal = opened;
        s.page = terminal;
        await terminal.waitForURL(/\/terminals\/[^/]+$/);
        await terminal.locator('#terminado-container .xterm-rows').waitFor();
        // The shell's prompt arrives over the terminal WebSocket.
        await terminal.waitForFunction(() => /\S/.test(document.querySelector('#terminado-container .xterm-rows').innerText));
        return terminal.url();
    });

    await s.step('run echo hello-$((2+3))', async () => {
        await terminal.locator('#terminado-container .xterm').click();
        await terminal.keyboard.type('echo hello-$((2+3))');
        await terminal.keyboard.press('Enter');
        // A row that is exactly "hello-5": the command's output, not the echoed command line.
        await terminal.waitForFunction(() => [...document.querySelectorAll('#terminado-container .xterm-rows > div')]
            .some((row) => row.textContent.trim() === 'hello-5'));
        return 'hello-5';
    });

    await s.step('replay the launch link in another browser', async () => {
        // Someone who finds the link in a history or a log: it was single-use.
        const other = await s.newContext();
        s.page = await other.newPage();
        const response = await s.page.goto(options.launchUrl);
        return response ? response.status() : null;
    });

    await context.close();
});
