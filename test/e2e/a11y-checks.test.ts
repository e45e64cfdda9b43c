// The accessibility checks run at every screenshot (a11y-checks.ts) can fail: each is
// shown a small bad page in real Chromium and must name the problem, and a good page
// passes them all and is left exactly as it was found.
import type { Browser, Page } from '@playwright/test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { a11yProblems, forcedColoursProblems, keyboardProblems, reflowProblems } from './a11y-checks.js';

const page_ = (body: string, head = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <style>
    body { font: 19px/1.3 arial, sans-serif; margin: 15px; }
    a:focus, button:focus, input:focus, [tabindex]:focus { outline: 3px solid #fd0; outline-offset: 0; }
    button { border: 2px solid transparent; background: #00703c; color: #fff; padding: 8px; }
    input { border: 2px solid #0b0c0c; }
  </style>${head}</head><body>${body}</body></html>`;

const GOOD = page_(
  `<a href="#main" class="skip" >Skip to main content</a>
   <main id="main">
     <h1>Find a child</h1>
     <p>Some text that wraps at any width, as paragraphs should.</p>
     <label for="n">Name</label> <input id="n" type="text" style="max-width:100%;box-sizing:border-box">
     <fieldset><legend>Sex</legend>
       <input type="radio" name="sex" id="f" value="f"><label for="f">Female</label>
       <input type="radio" name="sex" id="m" value="m"><label for="m">Male</label>
     </fieldset>
     <button type="button">Search</button>
     <div class="cp-table-scroll" role="region" tabindex="0" aria-label="Results" style="overflow-x:auto;max-width:100%">
       <table style="width:900px"><tr><th>Name</th><th>Born</th><th>Postcode</th></tr>
         <tr><td>Ann</td><td>2015</td><td>AB1 2CD</td></tr></table>
     </div>
     <p><a href="#end">A link at the end</a></p>
   </main>`,
  `<style>.skip:not(:focus) { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }</style>`,
);

describe('the accessibility checks at each screenshot', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  });

  it('pass a good page, and leave its viewport, colours, focus and scroll as they were', async () => {
    await page.setContent(GOOD + '<div style="height:3000px"></div>');
    await page.locator('#n').focus();
    await page.evaluate(() => window.scrollTo(0, 200));
    expect(await a11yProblems(page)).toEqual([]);
    expect(page.viewportSize()).toEqual({ width: 1280, height: 720 });
    expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('n');
    expect(await page.evaluate(() => window.scrollY)).toBe(200);
    // Forced colours already on (a test's own emulation) stays on.
    await page.emulateMedia({ forcedColors: 'active' });
    expect(await forcedColoursProblems(page)).toEqual([]);
    expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(true);
  });

  it('leave the Tab starting point at the top when nothing was focused', async () => {
    await page.setContent(GOOD);
    expect(await keyboardProblems(page)).toEqual([]);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to main content');
  });

  it('reflow: a fixed-width box makes the page scroll sideways at 320px', async () => {
    await page.setContent(page_('<h1>Wide</h1><div id="wide" style="width:800px">Fixed width content</div>'));
    const problems = await reflowProblems(page);
    expect(problems.join('\n')).toMatch(
      /scrolls sideways at 320px wide.*div#wide "Fixed width content" reaches 8\d\dpx/,
    );
    expect(page.viewportSize()).toEqual({ width: 1280, height: 720 });
  });

  it('reflow: text clipped by overflow hidden once it wraps at 320px', async () => {
    await page.setContent(
      page_('<p id="clip" style="overflow:hidden;height:1.3em">Child protection plan reviewed at conference</p>'),
    );
    expect(await reflowProblems(page)).toEqual([expect.stringMatching(/^p#clip .*: content clipped/)]);
  });

  it('reflow: a control hidden at narrow widths, and a table outside a scroll region', async () => {
    await page.setContent(
      page_(
        '<button id="narrow">Print</button><table id="t" style="width:700px"><tr><td>a</td></tr></table>',
        '<style>@media (max-width: 400px) { #narrow { display: none } }</style>',
      ),
    );
    const problems = (await reflowProblems(page)).join('\n');
    expect(problems).toMatch(/button#narrow "Print": visible at full width but missing at 320px/);
    expect(problems).toMatch(/table#t .*a data table: wrap it in TableScroll/);
  });

  it('keyboard: a button taken out of the Tab order is reported unreachable', async () => {
    await page.setContent(page_('<button>Save</button> <button id="mouse" tabindex="-1">Delete</button>'));
    expect(await keyboardProblems(page)).toEqual(['button#mouse "Delete": not reachable with Tab']);
  });

  it('keyboard: a field that takes focus back on Tab is a trap', async () => {
    await page.setContent(
      page_(
        `<input id="a" aria-label="a"><input id="b" aria-label="b"><button>After</button>
         <script>document.getElementById('b').addEventListener('keydown', (e) => {
           if (e.key === 'Tab') { e.preventDefault(); e.target.focus(); } });</script>`,
      ),
    );
    const problems = await keyboardProblems(page);
    expect(problems[0]).toMatch(/^keyboard trap: Tab goes back to input#b/);
  });

  it('keyboard: focus the page moves itself during the check is named, not read as controls unreachable', async () => {
    // As the correction form did: an error summary that took focus again at a re-render.
    await page.setContent(
      page_(
        `<button id="first">First</button><button id="second">Second</button>
         <div id="summary" tabindex="-1" aria-label="There is a problem">There is a problem</div>
         <button id="last">Last</button>
         <script>let tabs = 0; document.addEventListener('keydown', (e) => {
           if (e.key === 'Tab' && ++tabs === 1) setTimeout(() => document.getElementById('summary').focus(), 0); });</script>`,
      ),
    );
    expect(await keyboardProblems(page)).toEqual([
      'focus moved by the page, not by Tab, while the keyboard was checked: div#summary "There is a problem" took focus (an effect that focuses on every render?)',
    ]);
    // The page is left as it was: no listener of the check's remains.
    await page.setContent(page_('<button>Save</button> <button id="mouse" tabindex="-1">Delete</button>'));
    expect(await keyboardProblems(page)).toEqual(['button#mouse "Delete": not reachable with Tab']);
  });

  it('keyboard: focus styled away with outline none and nothing else', async () => {
    await page.setContent(page_('<button id="plain">Go</button>', '<style>#plain:focus { outline: none }</style>'));
    expect(await keyboardProblems(page)).toEqual([
      'button#plain "Go": no visible focus indicator (looks the same focused)',
    ]);
    expect((await forcedColoursProblems(page)).join('\n')).toMatch(
      /button#plain "Go": no visible focus in forced colours/,
    );
  });

  it('keyboard: focus landing on something off screen', async () => {
    await page.setContent(
      page_('<a id="off" href="#x" style="position:absolute;left:-9999px">Hidden</a><button>Go</button>'),
    );
    expect(await keyboardProblems(page)).toEqual([
      expect.stringMatching(/^a#off "Hidden": receives focus but is invisible or off screen/),
    ]);
  });

  it('forced colours: a button with no border vanishes into the page', async () => {
    await page.setContent(
      page_(
        '<button id="flat" style="border:none">Save</button>',
        '<style>#flat:focus { outline: 3px solid #fd0 }</style>',
      ),
    );
    expect(await forcedColoursProblems(page)).toEqual([
      'button#flat "Save": no border or outline in forced colours (its edge vanishes)',
    ]);
  });

  it('forced colours: a focus shown only by background and box-shadow disappears', async () => {
    await page.setContent(
      page_(
        '<a id="l" href="#x">Record</a>',
        '<style>#l:focus { outline: none; background: #fd0; box-shadow: 0 4px #0b0c0c }</style>',
      ),
    );
    // Visible in normal colours...
    expect(await keyboardProblems(page)).toEqual([]);
    // ...gone in forced colours.
    expect(await forcedColoursProblems(page)).toEqual([
      expect.stringMatching(/^a#l "Record": no visible focus in forced colours/),
    ]);
  });
});
