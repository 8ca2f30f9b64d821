/**
 * The place at a position, resolved in the places worker for a component (ADR 0060); the latest
 * position wins when the component moves on before an answer comes.
 *
 *   private readonly place = new PlaceController(this);
 *   willUpdate() { this.place.show(this.latitude, this.longitude); }  render() { this.place.value?.city }
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { placeAt } from '../domain/places/places-worker-client.js';
import type { Place } from '../domain/places/reverse-geocoder.js';

export class PlaceController implements ReactiveController {
  /** The place, null when there is none (or not yet). */
  value: Place | null = null;
  error: string | null = null;
  private key = '';

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  show(latitude: number | null, longitude: number | null): void {
    const key = `${latitude},${longitude}`;
    if (key === this.key) return;
    this.key = key;
    this.value = null;
    this.error = null;
    placeAt(latitude, longitude).then(
      (place) => {
        if (key !== this.key) return;
        this.value = place;
        this.host.requestUpdate();
      },
      (error: unknown) => {
        if (key !== this.key) return;
        this.error = error instanceof Error ? error.message : String(error);
        this.host.requestUpdate();
      },
    );
  }
}
