import { test, expect } from "@playwright/test";
import * as path from "path";
import { hydrated, signedIn } from "./helpers";

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
