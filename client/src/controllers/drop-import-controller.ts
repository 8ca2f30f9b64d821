/**
 * Drag-and-drop import onto the whole window: tracks whether files are being dragged over it
 * (for the drop overlay) and hands dropped files to `onFiles`. Only drags that carry files count.
 *
 *   private readonly drop = new DropImportController(this, (files) => this.imports.importFiles(files));
 *   html`${this.drop.dragging ? html`<sbx-drop-overlay></sbx-drop-overlay>` : nothing}`
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const hasFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') ?? false;

export class DropImportController implements ReactiveController {
  /** Files are being dragged over the window. */
  dragging = false;
  /** dragenter/dragleave fire for every child element crossed: count them. */
  private depth = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onFiles: (files: File[]) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('dragenter', this.onDragEnter);
    window.addEventListener('dragover', this.onDragOver);
    window.addEventListener('dragleave', this.onDragLeave);
    window.addEventListener('drop', this.onDrop);
  }

  hostDisconnected(): void {
    window.removeEventListener('dragenter', this.onDragEnter);
    window.removeEventListener('dragover', this.onDragOver);
    window.removeEventListener('dragleave', this.onDragLeave);
    window.removeEventListener('drop', this.onDrop);
  }

  private set(dragging: boolean): void {
    if (this.dragging === dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }

  private readonly onDragEnter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.depth++;
    this.set(true);
  };

  private readonly onDragOver = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.set(true);
  };

  private readonly onDragLeave = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth === 0) this.set(false);
  };

  private readonly onDrop = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.depth = 0;
    this.set(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) this.onFiles(files);
  };
}
