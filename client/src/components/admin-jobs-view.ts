/**
 * The admin Jobs page, like Immich's: one card per queue with its counts per state, and
 * buttons to run missing, re-run all, and pause or resume. Emits `sbx-close` to go back.
 *
 *   <sbx-admin-jobs-view .token=${session.token} @sbx-close=${() => (this.page = 'photos')}></sbx-admin-jobs-view>
 */
import { LitElement, css, html } from 'lit';
import { AdminJobsController, type JobState, type QueueStatus } from '../controllers/admin-jobs-controller.js';
import { icons } from './icons.js';
import { buttonStyles } from './theme.js';

const TITLES: Readonly<Record<string, string>> = {
  thumbnail: 'Thumbnails',
  preview: 'Previews',
  thumbhash: 'Placeholders (thumbhash)',
  metadata: 'Metadata (ExifTool)',
  video: 'Video transcoding',
};
const STATES: readonly JobState[] = ['running', 'pending', 'failed', 'success', 'skipped'];

export class AdminJobsView extends LitElement {
  static override properties = { token: { type: String } };
  declare token: string | null;

  private readonly jobs = new AdminJobsController(this, () => this.token);

  static override styles = [
    buttonStyles,
    css`
      :host { display: block; padding: 24px 20px 60px; max-width: 960px; margin: 0 auto; color: var(--sbx-text); }
      header { display: flex; align-items: center; gap: 12px; margin-bottom: 20px; }
      h1 { font-size: 22px; font-weight: 600; margin: 0; flex: 1; }
      .error { color: var(--sbx-danger, #f66); margin-bottom: 12px; }
      .queue { border: 1px solid var(--sbx-border); background: var(--sbx-surface); border-radius: 14px; padding: 16px 18px; margin-bottom: 14px; }
      .top { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
      h2 { font-size: 17px; font-weight: 600; margin: 0; flex: 1; }
      .paused { font-size: 12px; padding: 2px 8px; border-radius: 999px; background: var(--sbx-border); }
      .counts { display: flex; gap: 18px; margin-top: 12px; flex-wrap: wrap; }
      .count { display: flex; flex-direction: column; min-width: 70px; }
      .count b { font-size: 20px; font-variant-numeric: tabular-nums; }
      .count span { font-size: 12px; color: var(--sbx-text-dim); text-transform: capitalize; }
      .count.failed b { color: var(--sbx-danger, #f66); }
    `,
  ];

  constructor() {
    super();
    this.token = null;
  }

  override render() {
    return html`<section data-testid="admin-jobs">
      <header>
        <button class="btn" data-testid="admin-jobs-back" @click=${() => this.dispatchEvent(new CustomEvent('sbx-close', { bubbles: true, composed: true }))}>${icons.back}</button>
        <h1>Jobs</h1>
      </header>
      ${this.jobs.error ? html`<div class="error" role="alert" data-testid="admin-jobs-error">${this.jobs.error}</div>` : null}
      ${!this.jobs.loaded ? html`<p>Loading…</p>` : this.jobs.queues.map((queue) => this.card(queue))}
    </section>`;
  }

  private card(queue: QueueStatus) {
    const busy = this.jobs.busy === queue.name;
    return html`<article class="queue" data-testid=${`queue-${queue.name}`}>
      <div class="top">
        <h2>${TITLES[queue.name] ?? queue.name}</h2>
        ${queue.paused ? html`<span class="paused" data-testid="queue-paused">Paused</span>` : null}
        <button class="btn" ?disabled=${busy} data-testid="queue-missing" @click=${() => void this.jobs.command(queue.name, 'start')}>Missing</button>
        <button class="btn" ?disabled=${busy} data-testid="queue-all" @click=${() => void this.jobs.command(queue.name, 'start', true)}>All</button>
        <button class="btn" ?disabled=${busy} data-testid="queue-pause" @click=${() => void this.jobs.command(queue.name, queue.paused ? 'resume' : 'pause')}>
          ${queue.paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <div class="counts">
        ${STATES.map((state) => html`<div class="count ${state}" data-testid=${`count-${state}`}><b>${queue.counts[state] ?? 0}</b><span>${state}</span></div>`)}
      </div>
    </article>`;
  }
}

if (!customElements.get('sbx-admin-jobs-view')) customElements.define('sbx-admin-jobs-view', AdminJobsView);
