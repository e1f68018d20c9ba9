import { test, expect, type Browser } from "@playwright/test";
import { BASE_URL, signedIn } from "./helpers";

/** Index of the running viewport project: each uses its own people, since
 * an emergency access stays open for hours. */
function slot(): number {
  return ["tablette-portrait", "tablette-paysage", "telephone"].indexOf(test.info().project.name);
}

/** The address of an usager's record, found as a staff member who sees them. */
async function recordHref(browser: Browser, login: string, name: RegExp): Promise<string> {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  await signedIn(page, login);
  const href = await page.getByRole("link", { name }).getAttribute("href");
  await context.close();
  expect(href).toBeTruthy();
  return href!;
}

test("un éducateur ne voit pas la section médicale", async ({ page }) => {
  await signedIn(page, "educateur");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  const sections = page.getByTestId("sections");
  await expect(sections).toContainText("Transmissions");
  await expect(sections).toContainText("Soins");
  await expect(sections).not.toContainText("Médical");
});

test("un moniteur d'atelier de l'ESAT voit le travail mais pas les soins", async ({ page }) => {
  await signedIn(page, "moniteur.atelier");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  const sections = page.getByTestId("sections");
  await expect(sections).toContainText("Travail (ESAT)");
  await expect(sections).toContainText("Projet personnalisé");
  await expect(sections).not.toContainText("Soins");
  await expect(sections).not.toContainText("Médical");
});

test("hors de son périmètre : accès refusé, bris de glace, bandeau, puis trace visible du DPO", async ({ page, browser }) => {
  const usager = ["Lucas MOREAU", "Emma FOURNIER", "Hugo LEMOINE"][slot()];
  const href = await recordHref(browser, "educateur", new RegExp(usager));

  // Sarah Lambert works at the FAM; these people live at the foyer.
  await signedIn(page, "aes");
  await expect(page.getByRole("heading", { name: "Mes usagers" })).toBeVisible();
  await page.goto(href);
  await expect(page.getByRole("heading", { name: "Accès refusé" })).toBeVisible();

  await page.getByRole("button", { name: "Demander l’accès d’urgence" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "20 caractères" })).toBeVisible();

  await page.getByLabel(/Motif de l’accès d’urgence/).fill("Chute grave, le SAMU demande ses traitements");
  await page.getByRole("button", { name: "Demander l’accès d’urgence" }).click();
  await expect(page.getByTestId("break-glass-banner")).toContainText("Accès d’urgence (bris de glace)");
  await expect(page.getByRole("heading", { level: 1, name: usager })).toBeVisible();

  const dpoContext = await browser.newContext({ baseURL: BASE_URL });
  const dpo = await dpoContext.newPage();
  await signedIn(dpo, "dpo");
  await dpo.goto(`/tracabilite?usager=${encodeURIComponent(usager.split(" ")[0])}&urgence=on`);
  const trail = dpo.getByTestId("trail");
  await expect(trail).toContainText("Sarah Lambert");
  await expect(trail).toContainText("bris de glace");
  await dpoContext.close();
});

test("le chef de service examine un bris de glace", async ({ page, browser }) => {
  const usager = ["Léa MARCHAND", "Nathan BRUNET", "Chloé GAUTHIER"][slot()];
  const reason = `Remplacement de nuit, malaise signalé par le veilleur (${slot()})`;
  const href = await recordHref(browser, "educateur", new RegExp(usager));
  const nurse = await browser.newContext({ baseURL: BASE_URL });
  const n = await nurse.newPage();
  await signedIn(n, "infirmier");
  await expect(n.getByRole("heading", { name: "Mes usagers" })).toBeVisible();
  await n.goto(href);
  await n.getByLabel(/Motif de l’accès d’urgence/).fill(reason);
  await n.getByRole("button", { name: "Demander l’accès d’urgence" }).click();
  await expect(n.getByTestId("break-glass-banner")).toBeVisible();
  await nurse.close();

  await signedIn(page, "chef.service");
  await page.goto("/bris-de-glace");
  const card = page.getByRole("listitem").filter({ hasText: reason });
  await expect(card).toContainText("Claire Fontaine");
  await card.getByLabel("Commentaire d’examen").fill("Justifié, vu avec l’équipe de nuit");
  await card.getByRole("button", { name: "Marquer comme examiné" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: reason })).toContainText("Examiné par Olivier Garnier");
});

test("une opposition au partage avec la famille s'applique tout de suite", async ({ page, browser }) => {
  // Changes what the demo family sees: one viewport only.
  test.skip(slot() !== 0, "modifie les données de démonstration partagées");
  const family = await browser.newContext({ baseURL: BASE_URL });
  const f = await family.newPage();
  await signedIn(f, "famille.moreau");
  await expect(f.getByText("Lucas MOREAU")).toBeVisible();

  const href = await recordHref(browser, "educateur", /Lucas MOREAU/);
  await signedIn(page, "chef.service");
  await page.goto(`${href}/identite`);
  await page.getByLabel("Décision concernant").selectOption("famille");
  await page.getByLabel("Décision", { exact: true }).selectOption("opposition");
  await page.getByLabel("Exprimée par").selectOption("usager");
  await page.getByRole("button", { name: "Enregistrer la décision" }).click();
  await expect(page.getByTestId("consents")).toContainText("Partage avec la famille : Opposition par la personne");

  await f.reload();
  await expect(f.getByRole("heading", { name: "Espace famille" })).toBeVisible();
  await expect(f.getByText("Lucas MOREAU")).toHaveCount(0);

  // The form is drawn anew once the first decision is saved: say it all again.
  await page.getByLabel("Décision concernant").selectOption("famille");
  await page.getByLabel("Décision", { exact: true }).selectOption("consentement");
  await page.getByLabel("Exprimée par").selectOption("usager");
  await page.getByRole("button", { name: "Enregistrer la décision" }).click();
  await expect(page.getByTestId("consents")).toContainText("Partage avec la famille : Consentement");
  await family.close();
});
