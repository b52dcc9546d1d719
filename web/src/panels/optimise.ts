/**
 * Dashboard panel of the model optimisation ledger: every attempt with its config, decision and reason, and
 * before/after bars of J per inference with their ranges (whiskers: the power model's low–high, shared by both
 * variants) and the measured change with its 95 % paired-bootstrap interval. Reads GET /api/optimisations.
 */
import type { Json, Panel, PanelContext } from '../panels';

const W = 280;
const BAR_H = 13;

/** Two horizontal bars (baseline, candidate) with low–high whiskers, on one scale. */
function bars(r: Json, ctx: PanelContext): string {
  const b = r.baseline;
  const c = r.candidate;
  if (b.jPerInference === null || c.jPerInference === null) return `<span class="note">${r.progress ? `measuring: ${r.progress.pairedHours}/${r.progress.minHours} paired hours, ${r.progress.candidateInvocations} invocations` : ctx.esc(r.status)}</span>`;
  const max = Math.max(b.range?.jPerInference.high ?? b.jPerInference, c.range?.jPerInference.high ?? c.jPerInference) * 1.05;
  const x = (v: number) => (v / max) * (W - 70);
  const one = (v: Json, y: number, colour: string, label: string, key: string) => {
    const lo = v.range?.jPerInference.low ?? v.jPerInference;
    const hi = v.range?.jPerInference.high ?? v.jPerInference;
    const mid = y + BAR_H / 2;
    return `<g data-bar="${key}" data-j="${v.jPerInference}" data-low="${lo}" data-high="${hi}">` +
      `<rect x="0" y="${y}" width="${x(v.jPerInference).toFixed(1)}" height="${BAR_H}" fill="${colour}"><title>${label}: ${ctx.fmt(v.jPerInference, 'J/inference')} (range ${ctx.fmt(lo)}–${ctx.fmt(hi)})</title></rect>` +
      `<line x1="${x(lo).toFixed(1)}" x2="${x(hi).toFixed(1)}" y1="${mid}" y2="${mid}" stroke="#000" stroke-width="1"/>` +
      `<line x1="${x(lo).toFixed(1)}" x2="${x(lo).toFixed(1)}" y1="${y + 3}" y2="${y + BAR_H - 3}" stroke="#000"/>` +
      `<line x1="${x(hi).toFixed(1)}" x2="${x(hi).toFixed(1)}" y1="${y + 3}" y2="${y + BAR_H - 3}" stroke="#000"/>` +
      `<text x="${(x(hi) + 4).toFixed(1)}" y="${y + BAR_H - 2}" font-size="10">${ctx.esc(label)} ${ctx.fmt(v.jPerInference)}</text></g>`;
  };
  return `<svg width="${W}" height="${2 * BAR_H + 10}" role="img" aria-label="J per inference before and after">` +
    one(b, 2, ctx.palette[0], 'before', 'baseline') + one(c, BAR_H + 6, r.decision === 'promote' ? ctx.palette[2] : ctx.palette[3], 'after', 'candidate') + '</svg>';
}

const pct = (x: number) => `${x > 0 ? '+' : ''}${Math.abs(x) >= 10 ? x.toFixed(0) : x.toFixed(1)}`;

export const optimisePanel: Panel = {
  id: 'optimise',
  title: 'Model optimisation ledger (J per inference, before → after)',
  size: 'full',
  async render(body, ctx) {
    const r = await ctx.api('optimisations');
    ctx.markDemo(r);
    const rows = r.attempts as Json[];
    if (!rows.length) {
      body.innerHTML = '<p class="note">No optimisation attempts yet: <code>carbonpilot optimise start FILE.json</code> or POST /api/optimisations.</p>';
      return;
    }
    body.innerHTML =
      `<div class="table-wrap"><table data-testid="optimise-ledger"><thead><tr><th>model</th><th>config</th><th>J/inference (range)</th><th>change [95 %]</th><th>gCO₂e/inference</th><th>quality Δ</th><th>decision</th></tr></thead><tbody>` +
      rows
        .map((a) => {
          const cfg = [a.config.kind, a.config.format, a.config.technique, a.config.framework].filter(Boolean).join(' ');
          const change = a.changePct ? `${pct(a.changePct.point)} % [${pct(a.changePct.low)}, ${pct(a.changePct.high)}]` : '—';
          return `<tr data-attempt="${ctx.esc(a.attemptId)}" data-decision="${ctx.esc(a.decision ?? a.status)}">` +
            `<td>${ctx.esc(a.model)}<div class="note">${ctx.esc(a.endpoint)} · ${ctx.esc(a.region)}</div></td>` +
            `<td>${ctx.esc(cfg)}</td><td>${bars(a, ctx)}</td><td data-testid="change">${change}</td>` +
            `<td>${ctx.fmt(a.baseline.gCo2ePerInference)} → ${ctx.fmt(a.candidate.gCo2ePerInference)}</td>` +
            `<td>${a.quality?.deltaPct !== null && a.quality?.deltaPct !== undefined ? `${pct(a.quality.deltaPct)} % ${ctx.esc(a.quality.metric)}` : '—'}</td>` +
            `<td><strong>${ctx.esc(a.decision ?? a.status)}</strong><div class="note" data-testid="reason" style="white-space:normal;min-width:18em">${ctx.esc(a.reason ?? '')}</div></td></tr>`;
        })
        .join('') +
      '</tbody></table></div>' +
      '<p class="note">J and gCO₂e per successful inference from our footprints (GPU power estimated from utilisation, host share, PUE); both variants on the same requests (shadow test). Whiskers: the power model\'s range; the change interval is a paired-by-hour bootstrap. Avoided emissions are in the KPIs, never added to measured totals.</p>';
  },
};
