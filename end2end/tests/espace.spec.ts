import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { hydrated, signedIn } from "./helpers";

// The demo's card (server/src/demo_espace.rs) and its code.
const CARD = "/carte/demo-carte-parcours-7Qx2mB9fKd4LwZ8tRv3Hs6Np";
const CODE = "1234";

const PAGES = [
  { path: "/mon-espace", title: "Moi" },
  { path: "/mon-espace/projet", title: "Mon projet" },
  { path: "/mon-espace/semaine", title: "Ma semaine" },
  { path: "/mon-espace/regards", title: "Qui a regardé mon dossier" },
  { path: "/mon-espace/dire", title: "Je veux dire quelque chose" },
];

/** Signs in with the card's address and the code, as the person does. */
async function cardSignIn(page: Page, js: boolean) {
  await page.goto(CARD);
  if (js) await hydrated(page);
  await page.getByLabel("Votre code").fill(CODE);
  await page.getByRole("button", { name: "Entrer" }).click();
  await expect(page).toHaveURL(/\/mon-espace$/);
  await expect(page.getByRole("heading", { level: 1, name: "Moi" })).toBeVisible();
}

/** The easy-to-read rules a browser can measure (domain.md §7), on every
 * visible text of the page. Returns what breaks them. */
async function falcProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const dateInDigits = /\b\d{1,2}\/\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}h\d{2}\b/;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = (node.textContent ?? "").trim();
      const el = node.parentElement;
      if (!text || !el || el.closest("script, style, noscript, template")) continue;
      const box = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || s.visibility === "hidden" || s.display === "none") continue;
      const size = parseFloat(s.fontSize);
      const say = (what: string) => problems.push(`« ${text.slice(0, 40)} » : ${what}`);
      if (size < 20) say(`${size} px`);
      if (!/sans-serif|Arial|Liberation Sans|Helvetica/i.test(s.fontFamily)) say(`police ${s.fontFamily}`);
      if (s.fontStyle !== "normal") say("italique");
      if (s.textTransform !== "none") say(`text-transform ${s.textTransform}`);
      if (s.hyphens === "auto") say("césure");
      const lineHeight = parseFloat(s.lineHeight);
      if (!(lineHeight / size >= 1.5 - 0.01)) say(`interligne ${s.lineHeight}`);
      if (!["left", "start"].includes(s.textAlign)) say(`alignement ${s.textAlign}`);
      const fg = lum(rgb(s.color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 7) say(`contraste ${ratio.toFixed(1)}:1`);
      if (text === text.toUpperCase() && /[A-ZÀ-Ý]{4,}/.test(text)) say("en capitales");
      if (dateInDigits.test(text)) say("date ou heure en chiffres");
    }
    // One column: no two blocks side by side.
    const blocks = [...document.querySelectorAll("main > *")].map((e) => e.getBoundingClientRect()).filter((b) => b.height > 0);
    for (let i = 1; i < blocks.length; i++) {
      if (blocks[i].top < blocks[i - 1].bottom - 1) problems.push(`deux blocs côte à côte (bloc ${i})`);
    }
    return problems;
  });
}

/** Every block has its "Écouter", and its audio is a WAV the server made. */
async function everyBlockListens(page: Page, js: boolean) {
  const blocks = page.getByTestId("bloc");
  const count = await blocks.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const block = blocks.nth(i);
    await expect(block.getByText("Écouter", { exact: true })).toBeVisible();
    const src = await block.locator("audio[controls]").getAttribute("src");
    expect(src).toMatch(/^\/mon-espace\/ecouter\//);
    const response = await page.request.get(src!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("audio/wav");
    const body = await response.body();
    expect(body.subarray(0, 4).toString()).toBe("RIFF");
  }
  if (js) {
    // It plays (muted: the browser allows playing without a touch).
    const played = await blocks.first().locator("audio").evaluate(async (a: HTMLAudioElement) => {
      a.muted = true;
      await a.play();
      await new Promise((r) => setTimeout(r, 600));
      return a.currentTime;
    });
    expect(played).toBeGreaterThan(0);
  }
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

for (const js of [true, false]) {
  test.describe(js ? "Mon espace, avec JavaScript" : "Mon espace, sans JavaScript", () => {
    test.use({ javaScriptEnabled: js });
    test.beforeEach(({}, testInfo) => {
      test.skip(testInfo.project.name === "tablette-paysage", "règles FALC vérifiées à 768×1024 et 390×844");
    });

    test("chaque page suit les règles du facile à lire, avec un Écouter par bloc", async ({ page }) => {
      test.setTimeout(120_000);
      await page.goto(CARD);
      expect(await falcProblems(page)).toEqual([]);
      if (js) await axe(page);
      await cardSignIn(page, js);
      for (const p of PAGES) {
        await page.goto(p.path);
        await expect(page.getByRole("heading", { level: 1, name: p.title })).toBeVisible();
        if (js) await hydrated(page);
        expect(await falcProblems(page), p.path).toEqual([]);
        await everyBlockListens(page, js);
        if (js) await axe(page);
      }
      await page.getByRole("button", { name: "J’ai fini" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Au revoir." })).toBeVisible();
      expect(await falcProblems(page)).toEqual([]);
      // The next person on the tablet sees nothing of the previous one.
      await page.goto("/mon-espace/projet");
      await expect(page.getByRole("heading", { level: 1, name: "Au revoir." })).toBeVisible();
    });
  });
}

/** A staff member's page in its own browser context (JavaScript on). */
async function staffPage(browser: Browser, login: string) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  await signedIn(page, login);
  return page;
}

test.describe("sans JavaScript, sur une tablette", () => {
  test.use({ javaScriptEnabled: false });

  test("la personne se connecte avec sa carte, écoute son projet, voit qui a regardé son dossier et laisse un message au référent", async ({
    page,
    browser,
  }, testInfo) => {
    test.skip(testInfo.project.name !== "tablette-portrait", "un parcours complet suffit");
    test.setTimeout(120_000);
    // A wrong code: said in easy words.
    await page.goto(CARD);
    await page.getByLabel("Votre code").fill("9999");
    await page.getByRole("button", { name: "Entrer" }).click();
    await expect(page.getByRole("alert")).toContainText("Le code ou la carte ne marche pas.");
    await cardSignIn(page, false);
    const name = (await page.getByText(/^Vous vous appelez /).textContent())!.replace("Vous vous appelez ", "").replace(".", "");
    const [first, ...last] = name.split(" ");

    await page.getByRole("link", { name: "Mon projet" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Mon projet" })).toBeVisible();
    await expect(page.getByText(/^Facile à lire — relu par/).first()).toBeVisible();
    await everyBlockListens(page, false);

    // A minute earlier, a psychologist of the team read the notes.
    const staff = await staffPage(browser, "psychologue");
    await staff.goto("/usagers");
    await staff.getByRole("link", { name: new RegExp(`${first} ${last.join(" ").toUpperCase()}`) }).click();
    await hydrated(staff);
    await staff.getByTestId("sections").getByRole("link", { name: "Transmissions", exact: true }).click();
    await expect(staff.getByTestId("timeline")).toBeVisible();

    await page.getByRole("link", { name: "Qui a regardé mon dossier" }).click();
    await expect(page.getByText("Inès, psychologue, a lu vos notes.").first()).toBeVisible();
    await expect(page.getByText("Vous avez lu votre projet.").first()).toBeVisible();

    await page.getByRole("link", { name: "Je veux dire quelque chose" }).click();
    await page.getByText("Je veux parler à mon référent.").click();
    await page.getByLabel("Vos mots. Vous pouvez ne rien écrire.").fill("Je voudrais aller à la piscine le samedi.");
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.getByRole("status")).toContainText("Votre message est envoyé.");

    await staff.reload();
    await hydrated(staff);
    const note = staff.getByTestId("note").filter({ hasText: "Je voudrais aller à la piscine le samedi." });
    await expect(note).toBeVisible();
    await expect(note.getByText("Les mots de la personne")).toBeVisible();

    await page.getByRole("button", { name: "J’ai fini" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Au revoir." })).toBeVisible();
    await staff.context().close();
  });
});

test("l'équipe ouvre l'espace d'une personne depuis le dossier et fait une connexion accompagnée", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "tablette-paysage", "un parcours suffit");
  await signedIn(page, "chef.service");
  await page.goto("/usagers");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await hydrated(page);
  await page.getByTestId("sections").getByRole("link", { name: "Projet personnalisé", exact: true }).click();
  await page.getByRole("link", { name: "Espace personnel de la personne (pages faciles à lire)" }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "Espace personnel" })).toBeVisible();
  const state = page.getByTestId("etat-espace");
  if ((await state.textContent())?.includes("n’est pas ouvert")) {
    await page.getByLabel("Code choisi par la personne (4 à 6 chiffres)").fill("12");
    await page.getByRole("button", { name: "Ouvrir l’espace personnel" }).click();
    await expect(page.getByRole("alert")).toContainText("4 à 6 chiffres");
    await page.getByLabel("Code choisi par la personne (4 à 6 chiffres)").fill("4826");
    await page.getByRole("button", { name: "Ouvrir l’espace personnel" }).click();
  }
  await expect(state).toContainText("Ouvert le");
  await expect(page.getByTestId("textes-falc").locator("li").first()).toBeVisible();
  await axe(page);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: /Imprimer une nouvelle carte/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^carte-.*\.pdf$/);
  await page.getByRole("button", { name: "Connexion accompagnée" }).click();
  await expect(page).toHaveURL(/\/mon-espace$/);
  await expect(page.getByText("Vous vous appelez Lucas Moreau.")).toBeVisible();
  await page.getByRole("button", { name: "J’ai fini" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Au revoir." })).toBeVisible();
});
