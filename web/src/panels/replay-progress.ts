/**
 * While `npm start` replays the DEMO fleet: how far it has got (GET /api/local/replay, served by the local server
 * only), above the other cards; the page's figures meanwhile cover what is stored so far. When the replay is live the
 * page reloads once, so its window covers everything. Hidden when there is no replay (or no such route).
 */
import type { Json, Panel, PanelContext } from '../panels';

const POLL_MS = 2000;
let polling: number | undefined;

function draw(body: HTMLElement, p: Json, ctx: PanelContext) {
  body.innerHTML =
    `<progress max="100" value="${Number(p.pct)}" style="width:100%" data-testid="replay-pct" aria-label="replay progress">${ctx.esc(p.pct)} %</progress>` +
    `<p class="note">Replaying the demo fleet from ${ctx.esc(String(p.from).slice(0, 10))} to ${ctx.esc(p.to)}: <b>${ctx.esc(p.pct)} %</b>, ` +
    `replayed to ${ctx.esc(p.replayedTo)}${p.phase === 'finishing' ? ' (finishing: demo budgets, targets and summary)' : ''}. ` +
    'The figures below cover what is stored so far; the page reloads when the replay is done. ' +
    '<button type="button" data-testid="replay-refresh">Refresh now</button></p>';
  body.querySelector('button')?.addEventListener('click', () => location.reload());
}

export const replayProgressPanel: Panel = {
  id: 'replay-progress',
  title: 'Demo replay in progress',
  size: 'full',
  async render(body, ctx) {
    const card = body.closest('section') as HTMLElement;
    const p = await ctx.api('local/replay').catch(() => undefined);
    if (!p || p.phase === 'live') {
      card.hidden = true;
      return;
    }
    card.hidden = false;
    card.parentElement?.prepend(card);
    ctx.markDemo(p);
    draw(body, p, ctx);
    polling ??= window.setInterval(() => {
      void ctx.api('local/replay').then((q) => {
        if (q.phase !== 'live') return draw(body, q, ctx);
        window.clearInterval(polling);
        location.reload();
      }, () => undefined);
    }, POLL_MS);
  },
};
