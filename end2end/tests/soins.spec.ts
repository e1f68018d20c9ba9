import { test, expect } from "@playwright/test";
import { BASE_URL, hydrated, openSection, signedIn } from "./helpers";

/** Each viewport project runs with its own person of the unit. */
function person(): string {
  const i = ["tablette-portrait", "tablette-paysage", "telephone"].indexOf(test.info().project.name);
  return ["Sacha NOËL", "Eva POULAIN", "Hélène LEFÈVRE-DUBOIS"][Math.max(i, 0)];
}

test("l'aide-soignant saisit des constantes qui déclenchent NEWS2, l'infirmière voit l'alerte et l'acquitte", async ({ page, browser }) => {
  const name = person();
  await signedIn(page, "aide.soignant");
  await page.getByTestId("usager-list").getByRole("link", { name: new RegExp(name) }).first().click();
  await openSection(page, "Soins");
  await hydrated(page);
  const form = page.getByTestId("saisie-mesures");
  const values: [string, string][] = [
    ["systolic", "105"], ["diastolic", "70"], ["pulse", "115"], ["temperature", "37,2"],
    ["spo2", "93"], ["respiratory_rate", "23"],
  ];
  for (const [field, value] of values) await form.locator(`#m-${field}`).fill(value);
  await form.locator("#m-acvpu").selectOption("A");
  await form.getByRole("button", { name: "Enregistrer les mesures" }).click();
  const alert = page.getByTestId("alertes-news2");
  await expect(alert).toContainText("NEWS2 7");
  await expect(page.getByTestId("mesures").locator("tbody tr").first()).toContainText("105/70");
  // The pulse chart of the week shows the point (SVG drawn by the server).
  await page.getByRole("navigation", { name: "Mesure de la courbe" }).getByRole("link", { name: "Pouls" }).click();
  await page.getByRole("navigation", { name: "Période de la courbe" }).getByRole("link", { name: "7 jours" }).click();
  await expect(page.getByTestId("courbe").locator("svg circle").first()).toBeAttached();
  await expect(page.getByTestId("courbe")).toContainText("Pouls (/min)");

  // An impossible value is refused in French, and nothing is added.
  await form.locator("#m-temperature").fill("60");
  await form.getByRole("button", { name: "Enregistrer les mesures" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "n’est pas une valeur possible" })).toBeVisible();

  // The nurse sees the alert on her home page and acknowledges it.
  const context = await browser.newContext({ baseURL: BASE_URL });
  const nurse = await context.newPage();
  await signedIn(nurse, "infirmier");
  const panel = nurse.getByTestId("alertes-unite");
  await expect(panel).toContainText(name);
  await panel.getByRole("link", { name }).first().click();
  await nurse.waitForURL(/\/soins$/);
  await hydrated(nurse);
  const open = nurse.getByTestId("alertes-news2");
  await open.getByLabel("Ce qui a été fait").first().fill("Médecin de garde appelé, surveillance horaire");
  await open.getByRole("button", { name: "Acquitter l’alerte" }).first().click();
  await expect(nurse.getByText("Alertes acquittées")).toBeVisible();
  await expect(nurse.getByText(/Médecin de garde appelé/)).toBeVisible();
  await context.close();
});

test("une allergie sévère se voit dans l'en-tête du dossier", async ({ page }) => {
  await signedIn(page, "infirmier");
  await page.getByTestId("usager-list").getByRole("link", { name: /Margaux BENOÎT/ }).first().click();
  const band = page.getByTestId("allergies");
  await expect(band).toContainText("Allergie sévère");
  await expect(band).toContainText("Pénicillines");
});

test("le réseau coupé au milieu de la tournée : la série de mesures est gardée, puis envoyée une seule fois", async ({ page, context }) => {
  const name = person();
  await signedIn(page, "aide.soignant");
  await page.getByTestId("usager-list").getByRole("link", { name: new RegExp(name) }).first().click();
  await openSection(page, "Soins");
  await hydrated(page);
  const weight = `${60 + ["tablette-portrait", "tablette-paysage", "telephone"].indexOf(test.info().project.name)},7`;
  await context.setOffline(true);
  const form = page.getByTestId("saisie-mesures");
  await form.locator("#m-pulse").fill("77");
  await form.locator("#m-weight").fill(weight);
  await form.getByRole("button", { name: "Enregistrer les mesures" }).click();
  await expect(page.getByTestId("mesures-gardees")).toContainText("Pas de réseau");
  await context.setOffline(false);
  await expect(page.getByText(/en attente d’envoi/)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("mesures").locator("tbody tr", { hasText: weight })).toHaveCount(1);
});
