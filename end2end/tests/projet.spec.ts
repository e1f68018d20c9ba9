import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { BASE_URL, hydrated, pdfText, signedIn } from "./helpers";

/** The "projet en vigueur" count of the foyer on the chef de service's home page. */
async function inForce(page: Page): Promise<number> {
  await page.goto("/usagers");
  const row = page.getByTestId("indicateurs").getByRole("row").filter({ hasText: "Foyer Les Glycines" }).first();
  return Number(await row.getByTestId("en-vigueur").innerText());
}

test("un référent écrit le projet personnalisé avec les mots de la personne, le valide, le PDF se télécharge et les indicateurs du chef de service bougent", async ({ page, browser }) => {
  test.skip(test.info().project.name !== "tablette-paysage", "Scénario de rédaction écrit pour la tablette en paysage");
  test.setTimeout(120_000);

  const chefContext = await browser.newContext({ baseURL: BASE_URL, locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1024, height: 768 } });
  const chef = await chefContext.newPage();
  await signedIn(chef, "chef.service");
  const before = await inForce(chef);

  // The référent's home page lists the people of whom they are référent
  // without a project in force; they open the first one.
  await signedIn(page, "educateur");
  await hydrated(page);
  const todo = page.getByTestId("echeances");
  await todo.getByText(/Voir les échéances/).click();
  await expect(todo).toContainText("Sans projet en vigueur");
  await todo.locator(".deadline-sans_projet a").first().click();
  await hydrated(page);
  const section = page.locator("#projet");
  await section.getByText("Commencer un projet personnalisé").click();
  await section.getByLabel("Titre").fill("Projet personnalisé 2027");
  await section.getByRole("button", { name: "Créer le projet à partir de la trame" }).click();
  await page.waitForURL(/\/projets\//);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Projet personnalisé 2027");
  await expect(page.getByTestId("projet-statut")).toHaveText("En préparation");

  // Text fields are saved a moment after typing stops.
  const evaluation = page.locator('[data-champ="evaluation"]');
  await evaluation.getByRole("textbox").fill("Bonne autonomie au foyer ; besoin d’appui pour les trajets en bus.");
  await expect(evaluation.getByText("Enregistré", { exact: true })).toBeVisible();
  const modalites = page.locator('[data-champ="modalites"]');
  await modalites.getByRole("textbox").fill("Point mensuel avec le référent, bilan à six mois.");
  await expect(modalites.getByText("Enregistré", { exact: true })).toBeVisible();

  // A dropped connection keeps the typing on the tablet and sends it later.
  const situation = page.locator('[data-champ="situation"]');
  await page.context().setOffline(true);
  await situation.getByRole("textbox").fill("Vit au foyer depuis trois ans.");
  await expect(situation.getByText(/Pas de réseau : le texte est gardé/)).toBeVisible();
  await page.context().setOffline(false);
  await expect(situation.getByText("Enregistré", { exact: true })).toBeVisible();

  // The person's own words, a SERAFIN-PH need, an objective.
  const words = "Je veux aller à la piscine tout seul en bus.";
  const attente = page.getByTestId("ajouter-attente");
  await attente.locator("summary").click();
  await attente.getByLabel(/Les mots de la personne/).fill(words);
  await attente.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.locator('[data-kind="attente"] .cards')).toContainText(words);

  const besoin = page.getByTestId("ajouter-besoin");
  await besoin.locator("summary").click();
  await besoin.getByLabel("Besoin (nomenclature SERAFIN-PH)").selectOption("1.3.4.2");
  await besoin.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.locator('[data-kind="besoin"] .cards')).toContainText("1.3.4.2");

  const goal = "Aller seul à la piscine en bus";
  const objectif = page.getByTestId("ajouter-objectif");
  await objectif.locator("summary").click();
  await objectif.getByLabel("Titre de l’objectif").fill(goal);
  await objectif.getByLabel("Avis de la personne sur cet objectif (ses mots)").fill("Oui, je veux essayer le mardi.");
  await objectif.getByLabel("Référent de l’objectif").selectOption({ label: "Camille Martin" });
  await objectif.getByLabel(/Version facile à lire/).fill("Je prends le bus seul.\nJe vais à la piscine le mardi.");
  await objectif.getByLabel("Se déplacer").check();
  await objectif.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.locator('[data-kind="objectif"] .cards')).toContainText(goal);

  await page.getByText("Titre, type et dates du projet").click();
  await page.getByLabel("Prochaine révision", { exact: true }).fill("2027-10-15");
  await page.getByRole("button", { name: "Enregistrer l’en-tête" }).click();
  await expect(page.getByTestId("completude")).toHaveText("100 %");

  await page.getByTestId("valider").click();
  await expect(page.getByTestId("projet-statut")).toHaveText("En cours");
  await expect(page.getByTestId("versions")).toContainText("Version initiale");

  // The PDF downloads and holds what was written.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("projet-pdf").click()]);
  expect(download.suggestedFilename()).toMatch(/^projet-personnalise-.*\.pdf$/);
  const pdf = await pdfText(readFileSync(await download.path()));
  expect(pdf.text).toContain("Projet personnalisé d’accompagnement");
  expect(pdf.text).toContain(words);
  expect(pdf.text).toContain(goal);
  expect(pdf.text).toContain("Oui, je veux essayer le mardi.");
  expect(pdf.text).toContain("1.3.4.2");
  expect(pdf.text).toContain("Nom, date et signature");
  expect(pdf.keywords).toContain("80788-3");
  expect(pdf.title).toContain("Projet personnalisé 2027");

  // The chef de service's indicators have moved.
  expect(await inForce(chef)).toBe(before + 1);
  await chefContext.close();
});
