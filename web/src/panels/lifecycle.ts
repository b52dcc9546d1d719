/**
 * Dashboard panel of the model lifecycle: cold/cooling/frozen/parked models with idle days and the measured kgCO2e
 * their idle time cost, the proposal for each (action, expected saving, restore time) and the savings ledger — the
 * ledger's figures are AVOIDED emissions (a counterfactual), shown apart from the measured footprint.
 */
import type { Json, Panel } from '../panels';

const STATE_ORDER: Record<string, number> = { cold: 0, frozen: 1, cooling: 2, parked: 3, active: 4 };

export const lifecyclePanel: Panel = {
  id: 'lifecycle',
  title: 'Model lifecycle: cold models, proposals, savings ledger',
  size: 'full',
  async render(body, ctx) {
    const f = ctx.filters();
    const [lc, ledger] = await Promise.all([ctx.api('lifecycle'), ctx.api('lifecycle/ledger', { from: f.from, to: f.to })]);
    ctx.markDemo(lc);
    ctx.markDemo(ledger);
    const team = (r: Json) => String(r.tags?.team ?? r.owner ?? '');
    const rows = (lc.resources as Json[])
      .filter((r) => (!f.region || r.region === f.region) && (!f.team || team(r) === f.team))
      .sort((a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || (b.wastedKgCo2e ?? 0) - (a.wastedKgCo2e ?? 0));
    const esc = ctx.esc;
    const proposal = (p: Json) => (p.action === 'none' ? `<span class="note">${esc(p.reason)}</span>` : `${esc(p.action)}${p.ready ? '' : ' <span class="note">(when cold)</span>'}`);
    const list = rows.length
      ? rows
          .map(
            (r) =>
              `<tr data-state="${esc(r.state)}"><td>${esc(r.resource)}</td><td>${esc(r.kind)}</td><td>${esc(r.region)}</td><td>${esc(r.state)}${r.excluded ? ` <span class="note">(excluded: ${esc(r.excluded)})</span>` : ''}</td>` +
              `<td class="num">${r.idleDaysLowerBound ? '≥' : ''}${ctx.fmt(r.idleDays)}</td><td class="num">${ctx.fmt(r.wastedKgCo2e)}</td><td>${proposal(r.proposal)}</td>` +
              `<td class="num">${ctx.fmt(r.proposal.expectedSavingKgCo2ePerMonth)}</td><td>${esc(r.proposal.restoreTime)}</td><td>${r.action ? `${esc(r.action.action)} ${esc(r.action.status)}` : ''}</td></tr>`,
          )
          .join('')
      : '<tr><td colspan="10">no cooling, cold, frozen or parked models for this filter</td></tr>';
    const ledgerRows = (ledger.rows as Json[]).filter((x) => !f.region || x.region === f.region);
    const t = ledger.totals as Json;
    body.innerHTML =
      `<p class="note">Idle = no <code>Invocations</code>; wasted = measured kgCO₂e of the idle time (location-based). Evaluated ${esc(lc.at)}${(lc.errors as string[]).length ? ` · ${esc((lc.errors as string[]).join('; '))}` : ''}</p>` +
      `<div class="table-wrap"><table data-testid="lifecycle-table"><thead><tr><th>Resource</th><th>Kind</th><th>Region</th><th>State</th><th class="num">Idle days</th><th class="num">Wasted kgCO₂e</th><th>Proposal</th><th class="num">Saving kgCO₂e/month</th><th>Restore</th><th>Action</th></tr></thead><tbody>${list}</tbody></table></div>` +
      `<h3>Savings ledger <small>AVOIDED emissions (counterfactual), not measured — not in the totals above</small></h3>` +
      `<div class="big" data-testid="ledger-total">${ctx.fmt(t.co2eKg.point)} <small>kgCO₂e avoided (range ${ctx.fmt(t.co2eKg.low)}–${ctx.fmt(t.co2eKg.high)}) · ${ctx.fmt(t.energyKwh.point)} kWh · ${ctx.fmt(t.gpuHours)} GPU-hours</small></div>` +
      `<div class="table-wrap"><table data-testid="ledger-table"><thead><tr><th>Action</th><th>Resource</th><th>From</th><th>To</th><th class="num">Hours</th><th class="num">kWh avoided</th><th class="num">kgCO₂e avoided</th></tr></thead><tbody>` +
      (ledgerRows.length
        ? ledgerRows.map((x) => `<tr><td>${esc(x.action)} ${esc(x.actionId)}</td><td>${esc(x.resource)}</td><td>${esc(x.effectiveFrom)}</td><td>${esc(x.effectiveTo ?? 'in effect')}</td><td class="num">${ctx.fmt(x.avoided.hours)}</td><td class="num">${ctx.fmt(x.avoided.energyKwh.point)}</td><td class="num">${x.basis ? ctx.fmt(x.avoided.co2eKg.point) : `— <span class="note">${esc(x.note ?? '')}</span>`}</td></tr>`).join('')
        : '<tr><td colspan="7">no lifecycle action took effect in this window</td></tr>') +
      '</tbody></table></div>';
  },
};
