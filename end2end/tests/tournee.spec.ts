import { test, expect, type Page } from "@playwright/test";
import { BASE_URL, hydrated, signedIn } from "./helpers";

/** Each viewport project runs the round with its own person of the unit
 * (the demo gives them care tasks; nobody's round is done yesterday). */
function person(): string {
  const i = ["tablette-portrait", "tablette-paysage", "telephone"].indexOf(test.info().project.name);
  return ["Margaux BENOÎT", "Martin GAILLARD", "Hélène LEFÈVRE-DUBOIS"][Math.max(i, 0)];
}

/** A Paris date, `AAAA-MM-JJ`, `days` from today. */
function parisDay(days = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
}

async function openRound(page: Page, shift: string, day: string) {
  await page.goto(`/tournee?equipe=${shift}&jour=${day}`);
  await hydrated(page);
  await expect(page.getByTestId("tournee-titre")).toBeVisible();
}

test("l'aide-soignant fait la tournée du matin : une prise de constantes déclenche NEWS2, l'infirmière acquitte, la courbe montre le point", async ({ page, browser }) => {
  const name = person();
  await signedIn(page, "aide.soignant");
  await page.getByTestId("lien-tournee").click();
  await expect(page.getByTestId("tournee-titre")).toBeVisible();
  await openRound(page, "matin", parisDay());
  await expect(page.getByTestId("tournee-titre")).toContainText("Matin du");
  const card = page.getByTestId("tournee-personne").filter({ hasText: name });
  // Each person with birth date and allergies, before anything is done.
  await expect(card).toContainText("Né(e) le");
  await expect(card.getByTestId("allergies")).toBeVisible();
  const task = card.getByTestId("tournee-soin").filter({ hasText: "Prise des constantes" });
  await task.getByText("Saisir des mesures").click();
  const values: [RegExp, string][] = [
    [/^Tension systolique/, "105"], [/^Tension diastolique/, "70"], [/^Pouls/, "115"],
    [/^Température/, "37,2"], [/^SpO₂/, "93"], [/^Fréquence respiratoire/, "23"],
  ];
  for (const [label, value] of values) await task.getByLabel(label).fill(value);
  await task.getByLabel("Conscience (ACVPU)").selectOption("A");
  await task.getByRole("button", { name: "Enregistrer les mesures" }).click();
  // The round reloads: the task is done, the alert is on the card.
  const done = page.getByTestId("tournee-personne").filter({ hasText: name }).getByTestId("tournee-soin").filter({ hasText: "Prise des constantes" });
  await expect(done).toContainText("Fait à");
  await expect(page.getByTestId("tournee-personne").filter({ hasText: name }).getByTestId("tournee-alerte")).toContainText("NEWS2 7");

  // The nurse sees it on her home page, acknowledges it, and the chart has the point.
  const context = await browser.newContext({ baseURL: BASE_URL });
  const nurse = await context.newPage();
  await signedIn(nurse, "infirmier");
  const panel = nurse.getByTestId("alertes-unite");
  await expect(panel).toContainText(name);
  await panel.getByRole("link", { name }).first().click();
  await nurse.waitForURL(/\/soins$/);
  await hydrated(nurse);
  const open = nurse.getByTestId("alertes-news2");
  await open.getByLabel("Ce qui a été fait").first().fill("Médecin prévenu, constantes toutes les heures");
  await open.getByRole("button", { name: "Acquitter l’alerte" }).first().click();
  await expect(nurse.getByText(/Médecin prévenu/).first()).toBeVisible();
  await nurse.getByRole("navigation", { name: "Mesure de la courbe" }).getByRole("link", { name: "Pouls" }).click();
  await nurse.getByRole("navigation", { name: "Période de la courbe" }).getByRole("link", { name: "7 jours" }).click();
  await expect(nurse.getByTestId("courbe").locator("svg circle").first()).toBeAttached();
  await expect(nurse.getByTestId("courbe")).toContainText("Pouls (/min)");
  await context.close();
});

test("la tournée avec le réseau coupé au milieu : rien n'est perdu, tout part une fois au retour du réseau", async ({ page, context }) => {
  const name = person();
  await signedIn(page, "aide.soignant");
  await openRound(page, "matin", parisDay(-1));
  const card = () => page.getByTestId("tournee-personne").filter({ hasText: name });
  const toilette = () => card().getByTestId("tournee-soin").filter({ hasText: "Aide à la toilette" });
  const constants = () => card().getByTestId("tournee-soin").filter({ hasText: "Prise des constantes" });
  // Online: one tap.
  await toilette().getByRole("button", { name: "Fait", exact: true }).click();
  await expect(toilette()).toContainText("Fait à");
  // The network drops: the next outcome is kept on the tablet.
  await context.setOffline(true);
  await constants().getByText("Pas fait", { exact: true }).click();
  await constants().getByLabel("Pourquoi").selectOption("refus");
  await constants().getByRole("button", { name: "Noter : pas fait" }).click();
  await expect(constants()).toContainText("Pas de réseau");
  await context.setOffline(false);
  await expect(page.getByText(/en attente d’envoi/)).toHaveCount(0, { timeout: 15_000 });
  await page.reload();
  await hydrated(page);
  await expect(toilette()).toContainText("Fait à");
  await expect(constants()).toContainText("Non fait (refusé par la personne)");
  await expect(card().getByText("Fait à")).toHaveCount(1);
});

test("les soins prévus se lisent dans le dossier ; le médical est réservé aux soignants", async ({ page, browser }) => {
  await signedIn(page, "infirmier");
  await page.getByTestId("usager-list").getByRole("link", { name: /Margaux BENOÎT/ }).first().click();
  await page.getByTestId("sections").getByRole("link", { name: "Médical", exact: true }).click();
  await page.waitForURL(/\/medical$/);
  await expect(page.getByTestId("medical-probleme")).toContainText("Épilepsie partielle");
  await expect(page.getByTestId("directives")).toContainText("pochette rouge");
  await page.getByTestId("sections").getByRole("link", { name: "Soins", exact: true }).click();
  await expect(page.getByTestId("soins-prevus")).toContainText("Pansement du talon droit");

  // An éducateur does not see the section, and its address is refused.
  const context = await browser.newContext({ baseURL: BASE_URL });
  const other = await context.newPage();
  await signedIn(other, "educateur");
  const url = new URL(page.url());
  await other.goto(url.pathname.replace(/\/soins$/, "/medical"));
  await expect(other.getByText(/Accès refusé/).first()).toBeVisible();
  await context.close();
});
