// Scanning a product's QR code with the device's camera (jsQR decodes the frames). Handheld
// barcode and NFC readers that type what they read (keyboard wedge) need nothing: they fill the
// focused lookup field and press Enter.

import jsQR from 'jsqr';

/** Opens the camera in `into`, resolves to the first QR code's text; `stop()` ends it early. */
export function scanQr(into: HTMLElement): { result: Promise<string>; stop: () => void } {
  const video = document.createElement('video');
  video.setAttribute('playsinline', '');
  video.muted = true;
  video.dataset.testid = 'scanner';
  into.replaceChildren(video);
  const canvas = document.createElement('canvas');
  let stream: MediaStream | null = null;
  let timer = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearInterval(timer);
    stream?.getTracks().forEach((t) => t.stop());
    into.replaceChildren();
  };
  const result = new Promise<string>((resolve, reject) => {
    if (!navigator.mediaDevices?.getUserMedia) {
      reject(new Error('This browser gives no camera access here (it needs https or localhost).'));
      return;
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(async (s) => {
        stream = s;
        if (stopped) return stop();
        video.srcObject = s;
        await video.play();
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        timer = window.setInterval(() => {
          if (!video.videoWidth) return;
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          ctx.drawImage(video, 0, 0);
          const code = jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
          if (code?.data) {
            stop();
            resolve(code.data);
          }
        }, 200);
      })
      .catch((e: unknown) => {
        stop();
        reject(new Error(`No camera: ${e instanceof Error ? e.message : String(e)}`));
      });
  });
  return { result, stop };
}
