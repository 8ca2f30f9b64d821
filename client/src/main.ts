/**
 * Boot: defines the app element and registers the service worker that keeps the app shell,
 * thumbnails and previews available offline. Never waits for the network.
 *
 *   <script type="module" src="/src/main.ts"></script>
 *   <shoebox-app></shoebox-app>
 */
import './components/shoebox-app.js';

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => console.warn('service worker not registered', err));
  });
}
