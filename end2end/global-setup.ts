// Waits until the server answers /readyz (it may still be migrating).
export default async function globalSetup() {
  const base = process.env.PARCOURS_BASE_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Parcours ne répond pas sur ${base}`);
}
