import { test, expect } from "@playwright/test";
import { BASE_URL, hydrated, signedIn } from "./helpers";

/** A Paris date, `AAAA-MM-JJ`, `days` from today. */
function parisDay(days = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" });
}

/** The hour in Paris now. */
function parisHour(): number {
  return Number(new Date().toLocaleString("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", hour12: false }).slice(0, 2));
}

// The demo's midday round of the AES's unit (persons of demo_medication.rs).
const REFUSES = "Victor HUET"; // KARDEGIC at midday
const INSULIN = "Paul CARON"; // HUMALOG at midday: nurse only
const OFFLINE = "Rose CARRÉ"; // FORLAX at midday

test("l'AES fait la distribution du midi : un refus motivé, une insuline refusée par le serveur, une partie sans réseau ; l'infirmière voit le refus", async ({ page, context, browser }) => {
  // The demo's midday doses are recorded once: one viewport plays it.
  test.skip(test.info().project.name !== "tablette-portrait", "modifie la distribution de démonstration partagée");
  await signedIn(page, "aes");
  await page.getByTestId("lien-distribution").click();
  await expect(page.getByTestId("distribution-titre")).toBeVisible();
  await page.goto(`/distribution?moment=midi&jour=${parisDay()}`);
  await hydrated(page);
  await expect(page.getByTestId("distribution-titre")).toContainText("Midi du");
  const card = (name: string) => page.getByTestId("distribution-personne").filter({ hasText: name });
  const dose = (name: string, drug: string) => card(name).getByTestId("distribution-prise").filter({ hasText: drug });
  // Each person with birth date and allergies.
  await expect(card(REFUSES)).toContainText("Né(e) le");
  await expect(card(REFUSES).getByTestId("allergies")).toBeVisible();
  const progress = page.getByTestId("distribution-avancement");
  const before = Number((await progress.textContent())!.match(/^(\d+)/)![1]);

  // A refusal, with its reason.
  const kardegic = dose(REFUSES, "KARDEGIC");
  await kardegic.getByText("Autre issue").click();
  await kardegic.getByLabel("Issue").selectOption("refuse");
  await kardegic.getByLabel(/^Motif/).fill("Dit avoir mal au ventre");
  await kardegic.getByRole("button", { name: "Noter", exact: true }).click();
  await expect(kardegic).toContainText("Refusé à");
  await expect(kardegic).toContainText("Dit avoir mal au ventre");
  await expect(progress).toContainText(`${before + 1} prise(s) notée(s)`);

  // The insulin is the nurse's: the server refuses, nothing is written.
  const insulin = dose(INSULIN, "HUMALOG");
  await expect(insulin).toContainText("Réservée à l’infirmier ou au médecin");
  await insulin.getByRole("button", { name: "Aide à la prise", exact: true }).click();
  await expect(insulin.getByTestId("prise-refusee")).toContainText("le serveur a refusé");
  await expect(progress).toContainText(`${before + 1} prise(s) notée(s)`);

  // The closing is refused while doses have no outcome.
  await page.getByRole("button", { name: "Clôturer la distribution" }).click();
  await expect(page.getByText(/sans issue/)).toBeVisible();

  // The Wi-Fi drops: the outcome waits on the tablet, the page says how old its copy is.
  await context.setOffline(true);
  const forlax = dose(OFFLINE, "FORLAX");
  await forlax.getByRole("button", { name: "Aide à la prise", exact: true }).click();
  await expect(forlax).toContainText("en attente d’envoi");
  await expect(forlax).toContainText("Pas de réseau");
  await page.getByRole("button", { name: "Actualiser" }).click();
  await expect(page.getByTestId("distribution-copie")).toContainText(/copie de \d\d:\d\d \(il y a \d+ min\)/);
  await expect(forlax).toContainText("en attente d’envoi");
  await context.setOffline(false);
  await expect(page.getByText(/en attente d’envoi/)).toHaveCount(0, { timeout: 15_000 });
  await page.reload();
  await hydrated(page);
  await expect(dose(OFFLINE, "FORLAX")).toContainText("Aide à la prise à");
  await expect(dose(OFFLINE, "FORLAX")).toContainText("Sarah LAMBERT");
  await expect(dose(REFUSES, "KARDEGIC")).toContainText("Refusé à");

  // The nurse sees the refusal, and the late doses once the morning is an hour past.
  const other = await browser.newContext({ baseURL: BASE_URL });
  const nurse = await other.newPage();
  await signedIn(nurse, "infirmier");
  await nurse.goto("/distribution/jour");
  await hydrated(nurse);
  await expect(nurse.getByTestId("jour-non-prises")).toContainText(REFUSES);
  await expect(nurse.getByTestId("jour-non-prises")).toContainText("Dit avoir mal au ventre");
  await expect(nurse.getByTestId("distributions-jour")).toContainText("Midi");
  // The person's record: the treatments in force and the chart, with the reason.
  await nurse.getByTestId("jour-non-prises").getByRole("link", { name: REFUSES }).first().click();
  await nurse.waitForURL(/\/soins$/);
  await hydrated(nurse);
  await expect(nurse.getByTestId("traitements")).toContainText("KARDEGIC");
  await expect(nurse.getByTestId("traitements")).toContainText("Dr Paul Mercier");
  await expect(nurse.getByTestId("tableau-prises")).toContainText("KARDEGIC");
  await expect(nurse.getByTestId("prises-non-donnees")).toContainText("Dit avoir mal au ventre");
  await nurse.goto("/distribution/jour");
  if (parisHour() >= 9) {
    // The demo leaves this morning's doses of the other unit without outcome.
    await expect(nurse.getByTestId("jour-retards")).toBeVisible();
    await nurse.goto("/usagers");
    await expect(nurse.getByTestId("prises-en-retard")).toBeVisible();
  }
  await other.close();
});
