/**
 * Opens the OAuth flow of a source in a popup and resolves when it comes back to this origin (the callback page)
 * or is closed. The popup is same-origin again at the end, so its page can be read without any message channel.
 */
export function connectInPopup(provider: string, sourceId: string): Promise<{ ok: boolean; message: string }> {
  const url = `/api/v1/oauth/${encodeURIComponent(provider)}/start?source=${encodeURIComponent(sourceId)}`;
  const popup = window.open(url, 'tributary-oauth', 'popup,width=560,height=720');
  if (!popup)
    return Promise.resolve({ ok: false, message: 'The browser blocked the popup: allow popups for this page.' });
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (popup.closed) {
        clearInterval(timer);
        resolve({ ok: false, message: 'The connection window was closed before it finished.' });
        return;
      }
      let path: string;
      let text: string;
      try {
        path = popup.location.pathname;
        if (popup.document.readyState !== 'complete') return;
        text = popup.document.body?.innerText ?? '';
      } catch {
        return; // At the provider (another origin): keep waiting.
      }
      if (!path.startsWith('/api/v1/oauth/')) return;
      const finished = path.endsWith('/callback');
      // The start route answers an error as JSON in the popup (unknown provider, no client id …).
      let message = text.trim();
      try {
        message = (JSON.parse(message) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // HTML page: its text is the message.
      }
      if (!finished && !/^\s*[{]/.test(text)) return;
      clearInterval(timer);
      popup.close();
      const ok = finished && /Connected/.test(text);
      resolve({ ok, message: ok ? `Connected to ${provider}.` : (message.split('\n')[0] ?? '') });
    }, 200);
  });
}
