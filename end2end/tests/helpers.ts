import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "parcours-demo";
export const BASE_URL = process.env.PARCOURS_BASE_URL ?? "http://127.0.0.1:3000";

/** Waits until the page is hydrated (the app sets data-hydrated on <body>).
 * On a loaded 2-core CI machine the first pages of a run compile the wasm
 * next to another browser and the server: the wait is longer than an
 * assertion's, and a page that never hydrates says what it had loaded. */
export async function hydrated(page: Page) {
  try {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  } catch (error) {
    const state = await page
      .evaluate(() => ({
        readyState: document.readyState,
        serviceWorker: Boolean(navigator.serviceWorker?.controller),
        pkg: performance
          .getEntriesByType("resource")
          .filter((e) => e.name.includes("/pkg/"))
          .map((e) => `${new URL(e.name).pathname} ${Math.round(e.duration)} ms`),
      }))
      .catch((e) => String(e));
    // What the browser said: a panic, a refused script, a failed load.
    const said = [
      ...(await page.consoleMessages().catch(() => []))
        .filter((m) => m.type() === "error" || m.type() === "warning")
        .map((m) => `console.${m.type()}: ${m.text()}`),
      ...(await page.pageErrors().catch(() => [])).map((e) => `pageerror: ${e.message}`),
    ];
    throw new Error(
      `page non hydratée (${page.url()}) : ${JSON.stringify(state)}\n${said.join("\n")}\n${error}`,
    );
  }
}

/** Signs in through the login page, as a person would. */
export async function signIn(page: Page, login: string, password = DEMO_PASSWORD) {
  await page.goto("/connexion");
  await hydrated(page);
  await page.getByLabel("Identifiant").fill(login);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/** Signs in and waits until the person has landed on their home page. */
export async function signedIn(page: Page, login: string) {
  await signIn(page, login);
  await page.waitForURL((url) => !url.pathname.startsWith("/connexion"));
  await expect(page.getByTestId("user-name")).toBeVisible();
}

/** Opens a section of the record from its navigation (the record opens on
 * its overview) and waits for the section's address. */
export async function openSection(page: Page, label: string) {
  await page.getByTestId("sections").getByRole("link", { name: label, exact: true }).click();
  await page.waitForURL(/\/usagers\/[0-9a-f-]+\/[a-z]+/);
}

/** The text of every page of a PDF, and its document information. */
export async function pdfText(bytes: Buffer): Promise<{ text: string; keywords: string; title: string }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    parts.push(content.items.map((i) => ("str" in i ? i.str : "")).join(" "));
  }
  const info = (await doc.getMetadata()).info as Record<string, string>;
  return { text: parts.join("\n"), keywords: info.Keywords ?? "", title: info.Title ?? "" };
}
