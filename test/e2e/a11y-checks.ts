// Automatic accessibility checks that axe cannot make, run at every screenshot the e2e
// tests take (harness.ts): reflow at 400% zoom (WCAG 1.4.10), forced colours (Windows
// high contrast: focus and boundaries must survive backgrounds and box-shadows being
// removed), and the keyboard (every control reached by Tab, no trap, focus always
// visible). Each returns a list of problems, naming the element; an empty list passes.
// Each leaves the page as it found it: viewport, media emulation, focus and scroll.
import type { Page } from '@playwright/test';

/** The scroll container that exempts a data table from reflow (renderer's TableScroll). */
export const TABLE_SCROLL_CLASS = 'cp-table-scroll';
/** 1280 CSS px at 400% zoom. */
export const REFLOW_WIDTH = 320;
/** How many Tab presses the keyboard check allows before calling it a trap. */
export const MAX_TABS = 300;

// Page-side helpers, installed once per document by `install` (a string, so the bundler's
// helpers never leak into the page). Elements get an expando number (no DOM change) so a
// control can be found again across evaluate calls.
const PAGE_HELPERS = String.raw`
(() => {
  if (window.__cpA11y) return;
  let next = 1;
  // Native controls must be reachable even when a tabindex of -1 hides them from Tab;
  // anything else is a control when it puts itself in the Tab order (tabindex >= 0).
  const NATIVE = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  const INTERACTIVE = NATIVE + ', [tabindex]';
  const h = {
    id(el) { if (!el.__cpA11yId) el.__cpA11yId = next++; return el.__cpA11yId; },
    byId: new Map(),
    remember(el) { const id = h.id(el); h.byId.set(id, el); return id; },
    describe(el) {
      if (!el || el === document.body) return 'the page body';
      const tag = el.tagName.toLowerCase();
      const bits = [tag];
      if (el.id) bits.push('#' + el.id);
      const cls = (typeof el.className === 'string' ? el.className : '').trim().split(/\s+/).filter(Boolean).slice(0, 2);
      for (const c of cls) bits.push('.' + c);
      let name = el.getAttribute('aria-label') || '';
      if (!name && el.labels && el.labels.length) name = el.labels[0].textContent || '';
      if (!name) name = el.textContent || el.getAttribute('value') || el.getAttribute('name') || '';
      name = name.replace(/\s+/g, ' ').trim().slice(0, 40);
      return bits.join('') + (name ? ' "' + name + '"' : '');
    },
    // What shows a control: itself, or for a GOV.UK radio or checkbox (an input made
    // transparent over the label's ::before circle or box) that label and pseudo-element.
    shown(el) {
      if (el.matches('input[type="radio"], input[type="checkbox"]') && el.labels && el.labels.length && getComputedStyle(el).opacity === '0') {
        return { el: el.labels[0], pseudo: '::before' };
      }
      return { el, pseudo: null };
    },
    visible(el) {
      if (!el.isConnected) return false;
      const shown = h.shown(el);
      if (shown.el !== el) return h.visible(shown.el);
      if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
      const r = el.getBoundingClientRect();
      return r.width >= 2 && r.height >= 2;
    },
    disabled(el) { return el.matches(':disabled') || el.closest('[inert]') !== null; },
    // Controls a person should reach with Tab: enabled, visible. Radios once per group.
    tabbables() {
      const out = [];
      const groups = new Set();
      for (const el of document.querySelectorAll(INTERACTIVE)) {
        if ((el.tabIndex < 0 && !el.matches(NATIVE)) || h.disabled(el) || !h.visible(el)) continue;
        if (el.matches('input[type="radio"]') && el.name) {
          const key = (el.form ? h.id(el.form) : 0) + ':' + el.name;
          if (groups.has(key)) continue;
          groups.add(key);
        }
        out.push(el);
      }
      return out;
    },
    radioGroup(el) {
      if (!el.matches('input[type="radio"]') || !el.name) return null;
      return (el.form ? h.id(el.form) : 0) + ':' + el.name;
    },
    // The parts of a computed style a focus indicator can change.
    focusStyle(control) {
      const shown = h.shown(control);
      const el = shown.el;
      const s = getComputedStyle(el, shown.pseudo);
      return {
        outline: s.outlineStyle === 'none' ? 'none' : s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
        outlineStyle: s.outlineStyle,
        outlineWidth: parseFloat(s.outlineWidth) || 0,
        boxShadow: s.boxShadow,
        background: s.backgroundColor + ' ' + s.backgroundImage,
        border: ['Top', 'Right', 'Bottom', 'Left'].map((k) => s['border' + k + 'Style'] + ' ' + s['border' + k + 'Width'] + ' ' + s['border' + k + 'Color']).join(','),
        borderShape: ['Top', 'Right', 'Bottom', 'Left'].map((k) => s['border' + k + 'Style'] + ' ' + s['border' + k + 'Width']).join(','),
        color: s.color,
        textDecoration: s.textDecorationLine + ' ' + s.textDecorationThickness,
      };
    },
    // A visible boundary: some border side or the outline drawn, at least minWidth px.
    boundary(el, minWidth) {
      const s = getComputedStyle(el);
      if (s.outlineStyle !== 'none' && (parseFloat(s.outlineWidth) || 0) >= minWidth) return true;
      return ['Top', 'Right', 'Bottom', 'Left'].some((k) => s['border' + k + 'Style'] !== 'none' && s['border' + k + 'Style'] !== 'hidden' && (parseFloat(s['border' + k + 'Width']) || 0) >= minWidth);
    },
    snapshot() {
      const ae = document.activeElement;
      const scrollers = [];
      for (const el of document.querySelectorAll('*')) {
        if (el.scrollLeft || el.scrollTop) scrollers.push([el, el.scrollLeft, el.scrollTop]);
      }
      return { active: ae && ae !== document.body ? ae : null, x: window.scrollX, y: window.scrollY, scrollers };
    },
    restore(snap) {
      const ae = document.activeElement;
      if (snap.active && snap.active.isConnected) snap.active.focus({ preventScroll: true });
      else {
        // Nothing was focused: put the Tab starting point back at the top of the page
        // (a blur alone leaves it where the check's last focus was).
        const top = document.createElement('div');
        top.tabIndex = -1;
        document.body.prepend(top);
        top.focus({ preventScroll: true });
        top.remove();
        if (ae && ae !== document.body && ae !== top && ae.isConnected && document.activeElement === ae && ae.blur) ae.blur();
      }
      for (const [el, l, t] of snap.scrollers) { if (el.isConnected) { el.scrollLeft = l; el.scrollTop = t; } }
      window.scrollTo(snap.x, snap.y);
    },
  };
  h.INTERACTIVE = INTERACTIVE;
  Object.defineProperty(window, '__cpA11y', { value: h, enumerable: false });
})();
`;

async function install(page: Page): Promise<void> {
  await page.evaluate(PAGE_HELPERS);
}

async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

/** The page's state a check disturbs, to put back afterwards. */
async function saveState(page: Page): Promise<void> {
  await install(page);
  await page.evaluate(() => {
    (window as unknown as { __cpA11ySaved: unknown }).__cpA11ySaved = (
      window as unknown as { __cpA11y: { snapshot(): unknown } }
    ).__cpA11y.snapshot();
  });
}

async function restoreState(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __cpA11ySaved?: unknown; __cpA11y: { restore(s: unknown): void } };
    if (w.__cpA11ySaved) w.__cpA11y.restore(w.__cpA11ySaved);
    delete w.__cpA11ySaved;
  });
}

type Helpers = {
  tabbables(): Element[];
  remember(el: Element): number;
  byId: Map<number, Element>;
  describe(el: Element | null): string;
  visible(el: Element): boolean;
  shown(el: Element): { el: Element; pseudo: string | null };
  focusStyle(el: Element): Record<string, string | number>;
  boundary(el: Element, minWidth: number): boolean;
  radioGroup(el: Element): string | null;
  id(el: Element): number;
  INTERACTIVE: string;
};

/**
 * Reflow (WCAG 1.4.10): at 320 CSS px wide (1280 px at 400% zoom) nothing scrolls
 * sideways, no text is clipped, and no control is lost or pushed out of view. Data tables
 * may scroll in two dimensions, but only inside a `cp-table-scroll` region that fits.
 */
export async function reflowProblems(page: Page): Promise<string[]> {
  const original = page.viewportSize();
  if (!original) throw new Error('reflowProblems needs a page with a fixed viewport');
  await saveState(page);
  // The controls a person can see at the normal width, remembered to find at 320.
  const before = await page.evaluate(() => {
    const h = (window as unknown as { __cpA11y: Helpers }).__cpA11y;
    return h.tabbables().map((el) => h.remember(el));
  });
  const problems: string[] = [];
  try {
    await page.setViewportSize({ width: REFLOW_WIDTH, height: original.height });
    await settle(page);
    problems.push(
      ...(await page.evaluate(
        ({ ids, width, cls }) => {
          const h = (window as unknown as { __cpA11y: Helpers }).__cpA11y;
          const out: string[] = [];
          const limit = width + 1;
          const region = (el: Element) => el.closest(`.${cls}`);
          const exempt = (el: Element) => {
            const r = region(el);
            return r !== null && r !== el;
          };
          // The scroll containers themselves: a named, focusable region that fits.
          for (const r of document.querySelectorAll(`.${cls}`)) {
            const ok =
              r.getAttribute('role') === 'region' &&
              r.getAttribute('tabindex') === '0' &&
              (r.getAttribute('aria-label') ?? '').trim() !== '';
            if (!ok)
              out.push(`${h.describe(r)}: a table scroll container needs role="region", tabindex="0" and aria-label`);
            const box = r.getBoundingClientRect();
            if (box.right + window.scrollX > limit || box.left + window.scrollX < -1)
              out.push(`${h.describe(r)}: the table scroll container is wider than the ${width}px viewport`);
          }
          const sw = document.documentElement.scrollWidth;
          if (sw > limit) {
            // The culprits: elements past the right edge whose parent is not (the outermost
            // thing that is too wide), outside any exempt table region.
            const culprits: string[] = [];
            for (const el of document.body.querySelectorAll('*')) {
              // Inside a table's region only what escapes its clipping counts (positioned
              // out of it).
              if (exempt(el) && !['absolute', 'fixed'].includes(getComputedStyle(el).position)) continue;
              const box = el.getBoundingClientRect();
              // A long word or line sticking out of a box that fits.
              if (
                box.right + window.scrollX <= limit &&
                getComputedStyle(el).overflowX === 'visible' &&
                box.left + window.scrollX + el.scrollWidth > limit &&
                Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim())
              ) {
                culprits.push(
                  `${h.describe(el)}: its text runs past the edge to ${Math.round(box.left + window.scrollX + el.scrollWidth)}px`,
                );
                if (culprits.length >= 5) break;
                continue;
              }
              const right = box.right + window.scrollX;
              if (right <= limit) continue;
              const p = el.parentElement;
              if (p && p !== document.body && p.getBoundingClientRect().right + window.scrollX > limit) continue;
              const why = el.tagName === 'TABLE' ? ' (a data table: wrap it in TableScroll)' : '';
              culprits.push(`${h.describe(el)} reaches ${Math.round(right)}px${why}`);
              if (culprits.length >= 5) break;
            }
            out.push(
              `the page scrolls sideways at ${width}px wide (scrollWidth ${sw}px): ${culprits.join('; ') || 'no single element found'}`,
            );
          }
          // Clipped text: a box that hides its overflow, with more content than room, and
          // visible (govuk-visually-hidden text is clipped on purpose to 1px).
          for (const el of document.body.querySelectorAll('*')) {
            if (exempt(el) || el.matches(`.${cls}`)) continue;
            const s = getComputedStyle(el);
            const hidesX = s.overflowX === 'hidden' || s.overflowX === 'clip';
            const hidesY = s.overflowY === 'hidden' || s.overflowY === 'clip';
            if (!hidesX && !hidesY) continue;
            if (!h.visible(el) || el.clientWidth <= 2 || el.clientHeight <= 2) continue;
            if (!(el.textContent ?? '').trim()) continue;
            const overX = hidesX && el.scrollWidth > el.clientWidth + 1;
            const overY = hidesY && el.scrollHeight > el.clientHeight + 1;
            if (overX || overY)
              out.push(
                `${h.describe(el)}: content clipped (${el.scrollWidth}x${el.scrollHeight} in a ${el.clientWidth}x${el.clientHeight} box with overflow hidden)`,
              );
          }
          // Controls lost at 320, or pushed out of the viewport.
          for (const id of ids) {
            const el = h.byId.get(id);
            if (!el) continue;
            if (!h.visible(el)) {
              out.push(`${h.describe(el)}: visible at full width but missing at ${width}px`);
              continue;
            }
            if (exempt(el)) continue;
            const r = el.getBoundingClientRect();
            const left = r.left + window.scrollX;
            if (left < -1 || r.right + window.scrollX > limit)
              out.push(
                `${h.describe(el)}: pushed outside the ${width}px viewport (x ${Math.round(left)} to ${Math.round(r.right + window.scrollX)})`,
              );
          }
          return out;
        },
        { ids: before, width: REFLOW_WIDTH, cls: TABLE_SCROLL_CLASS },
      )),
    );
  } finally {
    await page.setViewportSize(original);
    await settle(page);
    await restoreState(page);
    await page.evaluate(() => (window as unknown as { __cpA11y: Helpers }).__cpA11y.byId.clear());
  }
  return problems;
}

/** Elements whose edge must survive forced colours, where backgrounds vanish. */
const BOUNDARY_SELECTOR = [
  // Buttons drawn as links are underlined text, as links are: no edge to lose.
  'button:not(.govuk-link):not(.cp-link-button):not(.govuk-back-link)',
  '.govuk-button',
  '.govuk-tag',
  '.govuk-notification-banner',
  '.govuk-warning-text__icon',
  '.govuk-error-summary',
  '.govuk-panel',
  'input:not([type="hidden"]):not([type="radio"]):not([type="checkbox"])',
  'select',
  'textarea',
].join(', ');

/**
 * Forced colours (Windows high contrast): with backgrounds and box-shadows gone, each
 * control's focus is still shown by an outline (>= 2px) or a change of border, and
 * buttons, tags, banners and warnings keep a border or outline of at least 1px.
 */
export async function forcedColoursProblems(page: Page): Promise<string[]> {
  await saveState(page);
  const wasForced = await page.evaluate(() => matchMedia('(forced-colors: active)').matches);
  const problems: string[] = [];
  try {
    await page.emulateMedia({ forcedColors: 'active' });
    await settle(page);
    // Make the focus that follows keyboard-like, so :focus-visible styles apply to it.
    await page.keyboard.press('Tab');
    problems.push(
      ...(await page.evaluate((selector) => {
        const h = (window as unknown as { __cpA11y: Helpers }).__cpA11y;
        const out: string[] = [];
        if (!matchMedia('(forced-colors: active)').matches) return ['forced colours emulation did not take effect'];
        const active = document.activeElement;
        if (active && active !== document.body) (active as HTMLElement).blur();
        for (const el of document.querySelectorAll(selector)) {
          if (!h.visible(el)) continue;
          if (!h.boundary(el, 1))
            out.push(`${h.describe(el)}: no border or outline in forced colours (its edge vanishes)`);
        }
        const controls = h.tabbables();
        const unfocused = controls.map((el) => h.focusStyle(el));
        controls.forEach((el, i) => {
          (el as HTMLElement).focus({ preventScroll: true });
          if (document.activeElement !== el) return; // the keyboard check reports focus problems
          const f = h.focusStyle(el);
          const outline = f.outlineStyle !== 'none' && (f.outlineWidth as number) >= 2;
          const border = f.borderShape !== unfocused[i]!.borderShape;
          if (!outline && !border)
            out.push(
              `${h.describe(el)}: no visible focus in forced colours (outline ${f.outline}; needs an outline of 2px or more, or a border change)`,
            );
          (el as HTMLElement).blur();
        });
        return out;
      }, BOUNDARY_SELECTOR)),
    );
  } finally {
    await page.emulateMedia({ forcedColors: wasForced ? 'active' : 'none' });
    await settle(page);
    await restoreState(page);
  }
  return problems;
}

interface TabStop {
  id: number;
  name: string;
  body: boolean;
  visible: boolean;
  indicator: boolean;
  group: string | null;
  segmented: boolean;
}

/**
 * The keyboard: from the top of the page, Tab reaches every visible enabled control
 * (radios once per group), never lands on something invisible, never gets stuck, and
 * each focused control looks different from unfocused.
 */
export async function keyboardProblems(page: Page): Promise<string[]> {
  await saveState(page);
  const problems: string[] = [];
  try {
    const required = await page.evaluate(() => {
      const w = window as unknown as { __cpA11y: Helpers; __cpA11yUnfocused: Map<number, unknown> };
      const h = w.__cpA11y;
      const active = document.activeElement;
      if (active && active !== document.body) (active as HTMLElement).blur();
      // Unfocused looks, to compare the focused ones with.
      const looks = new Map<number, unknown>();
      for (const el of document.querySelectorAll(h.INTERACTIVE)) looks.set(h.remember(el), h.focusStyle(el));
      w.__cpA11yUnfocused = looks;
      const req = h.tabbables().map((el) => ({ id: h.remember(el), name: h.describe(el), group: h.radioGroup(el) }));
      // Start from the top: focus a throwaway element at the start of the body, so the
      // first Tab goes to the first control.
      const start = document.createElement('div');
      start.tabIndex = -1;
      start.setAttribute('data-cp-a11y-start', '');
      document.body.prepend(start);
      start.focus({ preventScroll: true });
      // Focus the page moves itself while the check tabs (an effect that focuses on a
      // re-render, a late answer): the Tab order seen would then be the page's doing.
      // A focus that follows a Tab keydown is Tab's; any other is the page's.
      const watch = { tab: false, moved: null as string | null };
      const onKey = (e: KeyboardEvent) => {
        if (e.key === 'Tab') watch.tab = true;
      };
      const onFocus = (e: FocusEvent) => {
        if (!watch.tab && watch.moved === null) watch.moved = h.describe(e.target as Element);
        watch.tab = false;
      };
      document.addEventListener('keydown', onKey, true);
      document.addEventListener('focusin', onFocus, true);
      (w as unknown as { __cpA11yWatch: unknown }).__cpA11yWatch = {
        moved: () => watch.moved,
        stop: () => {
          document.removeEventListener('keydown', onKey, true);
          document.removeEventListener('focusin', onFocus, true);
        },
      };
      return req;
    });
    const stops: TabStop[] = [];
    let trapped: string | null = null;
    let repeats = 0;
    for (let i = 0; i < MAX_TABS; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const w = window as unknown as { __cpA11y: Helpers; __cpA11yUnfocused: Map<number, Record<string, unknown>> };
        const h = w.__cpA11y;
        document.querySelector('[data-cp-a11y-start]')?.remove();
        const el = document.activeElement;
        if (!el || el === document.body || el === document.documentElement)
          return {
            id: 0,
            name: 'the page body',
            body: true,
            visible: true,
            indicator: true,
            group: null,
            segmented: false,
          };
        const id = h.remember(el);
        const before = w.__cpA11yUnfocused.get(id);
        const now = h.focusStyle(el);
        const indicator =
          !before ||
          ['outline', 'boxShadow', 'background', 'border', 'color', 'textDecoration'].some((k) => before[k] !== now[k]);
        const r = h.shown(el).el.getBoundingClientRect();
        const onScreen =
          h.visible(el) && r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
        const segmented = el.matches(
          'input[type="date"], input[type="time"], input[type="datetime-local"], input[type="month"], input[type="week"]',
        );
        return {
          id,
          name: h.describe(el),
          body: false,
          visible: onScreen,
          indicator,
          group: h.radioGroup(el),
          segmented,
        };
      });
      if (stop.body) break; // Tab left the page for the browser: no trap.
      // A date or time field is several stops in one element (day, month, year).
      const last = stops[stops.length - 1];
      if (last && last.id === stop.id && stop.segmented && repeats < 5) {
        repeats++;
        continue;
      }
      repeats = 0;
      const seen = stops.findIndex((s) => s.id === stop.id);
      if (seen === 0) break; // wrapped round to the first control
      if (seen > 0) {
        trapped = `keyboard trap: Tab goes back to ${stop.name} after ${stops[stops.length - 1]!.name}`;
        break;
      }
      stops.push(stop);
    }
    const moved = await page.evaluate(() =>
      (window as unknown as { __cpA11yWatch: { moved: () => string | null } }).__cpA11yWatch.moved(),
    );
    if (moved !== null) {
      // What Tab reached is not the page's Tab order: say what moved focus, not a list of
      // controls "unreachable" only because focus jumped past them.
      problems.push(
        `focus moved by the page, not by Tab, while the keyboard was checked: ${moved} took focus (an effect that focuses on every render?)`,
      );
      return problems;
    }
    if (!trapped && stops.length >= MAX_TABS)
      trapped = `keyboard trap: ${MAX_TABS} presses of Tab never left the page or came back to the start`;
    if (trapped) problems.push(trapped);
    for (const s of stops) {
      if (!s.visible) problems.push(`${s.name}: receives focus but is invisible or off screen`);
      else if (!s.indicator) problems.push(`${s.name}: no visible focus indicator (looks the same focused)`);
    }
    if (!trapped) {
      const reachedIds = new Set(stops.map((s) => s.id));
      const reachedGroups = new Set(stops.map((s) => s.group).filter((g) => g !== null));
      for (const r of required) {
        if (reachedIds.has(r.id) || (r.group !== null && reachedGroups.has(r.group))) continue;
        problems.push(`${r.name}: not reachable with Tab`);
      }
    }
  } finally {
    await page.evaluate(() => {
      document.querySelector('[data-cp-a11y-start]')?.remove();
      const w = window as unknown as {
        __cpA11yUnfocused?: unknown;
        __cpA11yWatch?: { stop: () => void };
        __cpA11y: Helpers;
      };
      delete w.__cpA11yUnfocused;
      w.__cpA11yWatch?.stop();
      delete w.__cpA11yWatch;
      w.__cpA11y.byId.clear();
    });
    await restoreState(page);
  }
  return problems;
}

export interface A11yCheckOptions {
  /** Checks to leave out, each with the reason (documented at the call). */
  skip?: Partial<Record<'reflow' | 'forcedColours' | 'keyboard', string>>;
}

let lastTimings = '';
/** How long each check took in the last `a11yProblems` call (for CP_A11Y_TIMING). */
export function lastA11yTimings(): string {
  return lastTimings;
}

/** All three checks, each problem prefixed with the check that found it. */
export async function a11yProblems(page: Page, options: A11yCheckOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const timings: string[] = [];
  const timed = async (label: string, check: (p: Page) => Promise<string[]>) => {
    const started = performance.now();
    out.push(...(await check(page)).map((p) => `${label}: ${p}`));
    timings.push(`${label} ${Math.round(performance.now() - started)} ms`);
  };
  if (!options.skip?.keyboard) await timed('keyboard', keyboardProblems);
  if (!options.skip?.forcedColours) await timed('forced colours', forcedColoursProblems);
  if (!options.skip?.reflow) await timed('reflow', reflowProblems);
  lastTimings = timings.join(', ');
  return out;
}
