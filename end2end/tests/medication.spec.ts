import { test, expect } from "@playwright/test";
import * as path from "path";
import { readFileSync } from "node:fs";
import { hydrated, openSection, pdfText, signedIn } from "./helpers";

/** The sample BDPM files that ship with Parcours, in the published format. */
const sample = ["CIS_bdpm.txt", "CIS_CIP_bdpm.txt", "CIS_COMPO_bdpm.txt"].map((f) =>
  path.join(__dirname, "..", "..", "server", "demo", "bdpm", f),
);

test("l'administrateur importe les fichiers de la BDPM et cherche un médicament par sa substance", async ({ page }) => {
  await signedIn(page, "admin");
  await page.goto("/administration/medicaments");
  await hydrated(page);
  await expect(page.getByTestId("bdpm-etat")).toContainText("Source : BDPM");
  await page.getByLabel("Fichiers de la BDPM").setInputFiles(sample);
  await page.getByRole("button", { name: "Importer" }).click();
  const result = page.getByTestId("bdpm-resultat");
  await expect(result).toContainText("CIS_bdpm.txt : 22 lignes importées.");
  await expect(result).toContainText("CIS_COMPO_bdpm.txt : 28 lignes importées.");
  await expect(page.getByTestId("bdpm-etat")).toContainText("par Alix Système");

  // A file of another kind: a French refusal.
  await page.getByLabel("Fichiers de la BDPM").setInputFiles({ name: "liste.csv", mimeType: "text/csv", buffer: Buffer.from("a;b\n") });
  await page.getByRole("button", { name: "Importer" }).click();
  await expect(page.getByText(/n’est pas un fichier de la BDPM/)).toBeVisible();

  await page.getByLabel("Nom ou substance").fill("lévétira");
  await expect(page.getByTestId("bdpm-trouves")).toContainText("KEPPRA 500 mg, comprimé pelliculé");
});

/** Each viewport project prescribes for its own person of the nurse's unit. */
function person(): string {
  const i = ["tablette-portrait", "tablette-paysage", "telephone"].indexOf(test.info().project.name);
  return ["Anna LEBRUN", "Martin GAILLARD", "Noé MEUNIER"][Math.max(i, 0)];
}

test("l'infirmier saisit une ordonnance (recherche, lecteur de code-barres, allergie confirmée), arrête une ligne, puis télécharge le DLU et le rapport d'administration", async ({ page }) => {
  const name = person();
  await signedIn(page, "infirmier");
  await page.goto("/usagers");
  await hydrated(page);
  await page.getByTestId("usager-list").getByRole("link", { name: new RegExp(name) }).first().click();
  await openSection(page, "Soins");
  await hydrated(page);

  // An allergy to amoxicillin, so that the prescription must be confirmed.
  await page.getByText("Ajouter une allergie ou une intolérance").click();
  await page.getByLabel("Substance").fill("Amoxicilline");
  await page.getByRole("button", { name: "Enregistrer l’allergie" }).click();
  await expect(page.getByTestId("allergies-en-cours")).toContainText("Amoxicilline");

  await page.getByTestId("nouvelle-prescription").click();
  await page.waitForURL(/\/soins\/prescription$/);
  await hydrated(page);
  const form = page.getByTestId("prescription");
  await form.getByLabel("Prescripteur").fill("Dr Anne Martin");
  await form.getByLabel("Date de l’ordonnance").fill(new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" }));

  // Line 1: searched as one types.
  const first = form.getByTestId("ligne").nth(0);
  await first.getByLabel("Médicament : nom ou substance").fill("amoxi");
  await first.getByTestId("medicaments-trouves").getByRole("button", { name: /AMOXICILLINE BIOGARAN 1 g/ }).click();
  await expect(first.getByTestId("medicament-choisi")).toContainText("AMOXICILLINE BIOGARAN 1 g");
  await first.getByLabel("Dose").fill("1");
  await first.getByLabel("Coucher").check();

  // Line 2: the box read by a hand-held scanner (GS1 DataMatrix, then Enter).
  await form.getByRole("button", { name: "Ajouter une ligne" }).click();
  const second = form.getByTestId("ligne").nth(1);
  await second.getByLabel(/code de la boîte/).pressSequentially("010340093001333517280131" + "10LOT42");
  await second.getByLabel(/code de la boîte/).press("Enter");
  await expect(second.getByTestId("boite-lue")).toContainText("lot LOT42");
  await expect(second.getByTestId("medicament-choisi")).toContainText("DOLIPRANE 1000 mg");
  await second.getByLabel("Dose").fill("abc");
  await second.getByLabel("Coucher").check();

  // A dose of "abc": refused in French, nothing written.
  await form.getByRole("button", { name: "Enregistrer la prescription" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /dose/i })).toBeVisible();
  await second.getByLabel("Dose").fill("0,5");

  // The allergy: an explicit confirmation.
  await form.getByRole("button", { name: "Enregistrer la prescription" }).click();
  const allergy = page.getByTestId("allergie-a-confirmer");
  await expect(allergy).toContainText("Amoxicilline");
  await allergy.getByRole("button", { name: "Confirmer malgré l’allergie" }).click();
  await page.waitForURL(/\/soins$/);
  const treatments = page.getByTestId("traitements");
  await expect(treatments).toContainText("AMOXICILLINE BIOGARAN 1 g");
  await expect(treatments).toContainText("DOLIPRANE 1000 mg");
  await expect(treatments).toContainText("Dr Anne Martin");

  // Stop the amoxicillin with its reason: kept among the stopped lines.
  const line = treatments.locator("li").filter({ hasText: "AMOXICILLINE" });
  await line.getByText("Arrêter ou modifier").click();
  await line.getByLabel("Motif de l’arrêt").fill("Allergie connue, remplacée");
  await line.getByRole("button", { name: "Arrêter la ligne" }).click();
  await expect(treatments).not.toContainText("AMOXICILLINE");
  await expect(page.getByText(/Lignes arrêtées \(1\)/)).toBeVisible();

  // The DLU, one tap from the record's head.
  const [dlu] = await Promise.all([page.waitForEvent("download"), page.getByTestId("dlu-pdf").click()]);
  expect(dlu.suggestedFilename()).toMatch(/^dlu-.*\.pdf$/);
  const d = await pdfText(readFileSync(await dlu.path()));
  expect(d.keywords).toContain("74207-2");
  expect(d.text).toContain("Document de liaison d’urgence");
  expect(d.text).toContain(name);
  expect(d.text).toContain("Amoxicilline");
  expect(d.text).toContain("DOLIPRANE 1000 mg");
  expect(d.text).toContain("Traitements en cours");
  expect(d.text).toContain("Directives anticipées");

  // The administration report of the chart's period.
  const [report] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("rapport-prises").getByRole("button", { name: "Rapport d’administration (PDF)" }).click(),
  ]);
  const r = await pdfText(readFileSync(await report.path()));
  expect(r.keywords).toContain("80565-5");
  expect(r.text).toContain("Rapport d’administration des médicaments");
  expect(r.text).toContain(name);
  expect(r.text).toContain("DOLIPRANE 1000 mg");
});
