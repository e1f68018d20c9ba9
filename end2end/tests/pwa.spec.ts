import { test, expect } from "@playwright/test";
import { hydrated } from "./helpers";

test("le manifeste rend l'application installable", async ({ request }) => {
  const res = await request.get("/manifest.webmanifest");
  expect(res.ok()).toBeTruthy();
  const manifest = await res.json();
  expect(manifest.display).toBe("standalone");
  expect(manifest.lang).toBe("fr");
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toContain("192x192");
  expect(sizes).toContain("512x512");
  for (const icon of manifest.icons) {
    expect((await request.get(icon.src)).ok()).toBeTruthy();
  }
});

test("le service worker s'installe et sert la page hors connexion", async ({ page, context }) => {
  await page.goto("/connexion");
  await hydrated(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Assets the page uses carry a content hash in their names.
  const scripts = await page.locator("link[rel=modulepreload], script[type=module]").evaluateAll((els) =>
    els.map((e) => e.getAttribute("href") ?? e.textContent ?? ""),
  );
  expect(scripts.join(" ")).toMatch(/parcours\.[A-Za-z0-9_-]{6,}\.js/);

  await context.setOffline(true);
  await page.goto("/usagers").catch(() => undefined);
  await expect(page.getByRole("heading", { name: "Vous êtes hors connexion" })).toBeVisible();
  await context.setOffline(false);
});

test("aucune erreur de console ni de politique de sécurité au chargement", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto("/connexion");
  await hydrated(page);
  expect(problems).toEqual([]);
});
