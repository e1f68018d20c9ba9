import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hydrated, openSection, signedIn } from "./helpers";

/** A text no other viewport or run writes. */
function unique(label: string): string {
  return `${label} ${test.info().project.name} ${Date.now()}`;
}

test("un éducateur écrit une transmission en deux gestes depuis Mes usagers, elle apparaît dans le dossier et le cahier de liaison", async ({ page }) => {
  await signedIn(page, "educateur");
  await hydrated(page);
  const text = unique("A bien mangé, bonne humeur au repas.");
  // First tap: the note button on the person's line; second: the category.
  await page.getByRole("button", { name: "Écrire une note pour Lucas MOREAU" }).click();
  const entry = page.getByTestId("quick-note");
  await entry.getByRole("button", { name: "Vie quotidienne" }).click();
  await expect(entry.getByRole("textbox").first()).toBeFocused();
  await page.keyboard.type(text);
  await entry.getByRole("button", { name: "Enregistrer la note" }).click();
  await expect(entry.getByText("Note enregistrée.")).toBeVisible();

  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await openSection(page, "Transmissions");
  await expect(page.getByTestId("timeline")).toContainText(text);
  await page.goto("/cahier");
  await expect(page.getByTestId("cahier")).toContainText(text);
  await expect(page.getByTestId("cahier").getByRole("listitem").filter({ hasText: text })).toContainText("Lucas MOREAU");
});

test("une correction crée une nouvelle version et l'ancienne reste lisible dans l'historique", async ({ page }) => {
  await signedIn(page, "educateur");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await hydrated(page);
  await openSection(page, "Transmissions");
  const first = unique("Chute sans gravité dans le couloir.");
  const section = page.locator("#transmissions");
  await section.getByRole("button", { name: "Incident" }).click();
  await section.getByLabel(/Note pour/).fill(first);
  await section.getByRole("button", { name: "Enregistrer la note" }).click();
  const note = section.getByTestId("note").filter({ hasText: first });
  await expect(note).toBeVisible();

  const second = first.replace("Chute", "Glissade");
  await note.getByRole("button", { name: "Corriger" }).click();
  await note.getByLabel("Texte corrigé").fill(second);
  await note.getByLabel("Motif de la correction").fill("Précision après échange avec le veilleur");
  await note.getByRole("button", { name: "Enregistrer la correction" }).click();
  const corrected = section.getByTestId("note").filter({ hasText: second });
  await expect(corrected).toBeVisible();
  await corrected.getByRole("button", { name: /Historique/ }).click();
  const versions = corrected.getByTestId("versions");
  await expect(versions).toContainText(second);
  await expect(versions).toContainText(first);
  await expect(versions).toContainText("Précision après échange avec le veilleur");
});

test("un document déposé se télécharge à l'identique", async ({ page }) => {
  await signedIn(page, "chef.service");
  await page.goto("/usagers");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await hydrated(page);
  await openSection(page, "Documents");
  const title = unique("Compte rendu de consultation");
  const pdf = readFileSync(join(__dirname, "../../server/demo/mdph.pdf"));
  const section = page.locator("#documents");
  await section.getByLabel("Type de document").selectOption("compte_rendu");
  await section.getByLabel("Titre").fill(title);
  await section.getByLabel(/Fichier ou photo/).setInputFiles({ name: "compte-rendu.pdf", mimeType: "application/pdf", buffer: pdf });
  await section.getByRole("button", { name: "Déposer le document" }).click();
  await expect(section.getByText("Document enregistré.")).toBeVisible();
  const link = section.getByRole("link", { name: title });
  await expect(link).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const saved = readFileSync(await download.path());
  expect(Buffer.compare(saved, pdf)).toBe(0);
});

test("un exécutable renommé en .pdf est refusé avec un message clair", async ({ page }) => {
  await signedIn(page, "chef.service");
  await page.getByRole("link", { name: /Emma FOURNIER/ }).click();
  await hydrated(page);
  await openSection(page, "Documents");
  const section = page.locator("#documents");
  await section.getByLabel("Titre").fill("Ordonnance");
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(2048)]);
  await section.getByLabel(/Fichier ou photo/).setInputFiles({ name: "ordonnance.pdf", mimeType: "application/pdf", buffer: elf });
  await section.getByRole("button", { name: "Déposer le document" }).click();
  await expect(section.getByRole("alert")).toContainText("ni un PDF ni une image");
});

test("le matricule INS n'est affiché que pour une identité qualifiée", async ({ page }) => {
  await signedIn(page, "educateur");
  // Hugo's identity is provisional (and doubtful) in the demo, Lucas's qualified.
  await page.getByRole("link", { name: /Hugo LEMOINE/ }).click();
  await openSection(page, "Identité et administratif");
  await expect(page.getByTestId("identity-status")).toHaveText("Identité provisoire");
  await expect(page.getByTestId("matricule")).toHaveText("Non affiché : l’identité n’est pas qualifiée.");
  await page.goto("/usagers");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await openSection(page, "Identité et administratif");
  await expect(page.getByTestId("identity-status")).toHaveText("Identité qualifiée");
  await expect(page.getByTestId("matricule")).toHaveText(/^[12]\d{14} \(NIR\)$/);
});

test("une note saisie sans réseau est gardée puis envoyée au retour du réseau", async ({ page, context }) => {
  await signedIn(page, "educateur");
  await hydrated(page);
  const text = unique("Saisie hors connexion pendant la tournée.");
  await page.getByRole("button", { name: "Écrire une note pour Emma FOURNIER" }).click();
  const entry = page.getByTestId("quick-note");
  await entry.getByRole("button", { name: "Soin" }).click();
  await page.keyboard.type(text);
  await context.setOffline(true);
  await entry.getByRole("button", { name: "Enregistrer la note" }).click();
  await expect(entry.getByText(/Pas de réseau/)).toBeVisible();
  await expect(page.getByText("1 saisie en attente d’envoi")).toBeVisible();
  await context.setOffline(false);
  await expect(page.getByText("1 saisie en attente d’envoi")).toHaveCount(0);
  await page.getByRole("link", { name: /Emma FOURNIER/ }).click();
  await openSection(page, "Transmissions");
  await expect(page.getByTestId("timeline")).toContainText(text);
});

/** Signs out and waits until the sign-out has reached the server. */
async function signOut(page: import("@playwright/test").Page) {
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion/);
  await expect(page.getByTestId("user-name")).toHaveCount(0);
  await expect(page.getByLabel("Identifiant")).toBeVisible();
}

test("sur une tablette partagée, une note gardée hors ligne reste illisible pour la personne suivante et part au retour de son auteur", async ({ page, context }) => {
  await signedIn(page, "educateur");
  await hydrated(page);
  const text = unique("Confidentiel : saisie sans réseau.");
  await page.getByRole("button", { name: "Écrire une note pour Emma FOURNIER" }).click();
  const entry = page.getByTestId("quick-note");
  await entry.getByRole("button", { name: "Éducatif" }).click();
  await page.keyboard.type(text);
  await context.setOffline(true);
  await entry.getByRole("button", { name: "Enregistrer la note" }).click();
  await expect(entry.getByText("Pas de réseau : la note est gardée sur cette tablette")).toBeVisible();
  await expect(page.getByText("1 saisie en attente d’envoi")).toBeVisible();
  // The network comes back but the note cannot leave yet (a server too
  // far away), and Camille hands the tablet over.
  await page.route("**/api/transmission", (route) => route.abort());
  await context.setOffline(false);
  const storage = () => page.evaluate(() => JSON.stringify(Object.entries(window.localStorage)));
  const sealed = await storage();
  expect(sealed).toContain("parcours.notes-scellees");
  expect(sealed).not.toContain(text);
  expect(sealed).not.toContain("FOURNIER");
  await signOut(page);
  await signedIn(page, "moniteur.educateur");
  await hydrated(page);
  // The next person sees nothing of it, and cannot read it.
  await expect(page.getByText(/en attente d’envoi/)).toHaveCount(0);
  const after = await storage();
  expect(after).not.toContain(text);
  expect(after).toContain("parcours.notes-scellees");
  await signOut(page);
  // Camille signs back in: the note leaves, in her name.
  await page.unroute("**/api/transmission");
  await signedIn(page, "educateur");
  await expect.poll(storage).not.toContain("parcours.notes-scellees");
  await expect(page.getByText("1 saisie en attente d’envoi")).toHaveCount(0);
  await page.getByRole("link", { name: /Emma FOURNIER/ }).click();
  await openSection(page, "Transmissions");
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText(text);
  await expect(timeline.getByTestId("note").filter({ hasText: text })).toContainText("Camille Martin");
});

test("une tablette en portrait et un téléphone montrent les sections permises du dossier", async ({ page }) => {
  await signedIn(page, "moniteur.atelier");
  await page.getByRole("link", { name: /MOREAU|FOURNIER|LEMOINE|MARCHAND|BRUNET/ }).first().click();
  const nav = page.getByTestId("sections");
  await expect(nav).toContainText("Travail (ESAT)");
  await expect(nav).not.toContainText("Documents");
  await openSection(page, "Travail (ESAT)");
  await expect(page.locator("#travail")).toBeVisible();
  await expect(page.locator("#documents")).toHaveCount(0);
});

test("le dossier s'ouvre sur un aperçu, chaque section a son adresse, et la frise se pagine", async ({ page }) => {
  await signedIn(page, "educateur");
  await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
  await hydrated(page);
  // The overview: today, the latest important notes, what is due; no section drawn.
  const overview = page.getByTestId("apercu");
  await expect(overview).toBeVisible();
  await expect(overview.getByTestId("presence")).toHaveText(/aujourd’hui/);
  await expect(overview.getByTestId("notes-importantes")).toBeVisible();
  await expect(overview.getByTestId("a-echeance")).toBeVisible();
  await expect(page.locator("#transmissions")).toHaveCount(0);
  await expect(page.getByTestId("sections").getByRole("link", { name: "Aperçu" })).toHaveAttribute("aria-current", "page");

  // A section is its own address, which the server renders whole.
  await openSection(page, "Transmissions");
  await expect(page.getByTestId("timeline")).toBeVisible();
  await expect(page.getByTestId("apercu")).toHaveCount(0);
  const address = page.url();
  await page.goto(address);
  await expect(page.getByTestId("timeline")).toBeVisible();

  // A page of recent notes first; "Plus anciennes" adds the next page.
  const notes = page.getByTestId("timeline").getByTestId("note");
  await expect(notes.first()).toBeVisible();
  const first = await notes.count();
  expect(first).toBeLessThanOrEqual(30);
  const older = page.getByTestId("plus-anciennes");
  if (first === 30) {
    await hydrated(page);
    await older.click();
    await expect(page).toHaveURL(/[?&]n=60/);
    await expect.poll(() => notes.count()).toBeGreaterThan(30);
  } else {
    await expect(older).toHaveCount(0);
  }

  // Back to the overview through its link; an unknown section is not found.
  await page.getByTestId("sections").getByRole("link", { name: "Aperçu" }).click();
  await expect(page.getByTestId("apercu")).toBeVisible();
  const response = await page.goto(address.replace(/\/transmissions.*$/, "/inconnue"));
  expect(response?.status()).toBe(404);
});

test.describe("sans JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("une section demandée directement est rendue complète par le serveur", async ({ page }) => {
    await page.goto("/connexion");
    await page.getByLabel("Identifiant").fill("educateur");
    await page.getByLabel("Mot de passe").fill("parcours-demo");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page).toHaveURL(/\/usagers$/);
    await page.getByRole("link", { name: /Lucas MOREAU/ }).click();
    await expect(page.getByTestId("apercu")).toBeVisible();
    await page.getByTestId("sections").getByRole("link", { name: "Transmissions", exact: true }).click();
    await expect(page.getByTestId("timeline").getByTestId("note").first()).toBeVisible();
  });
});
