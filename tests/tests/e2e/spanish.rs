//! Roster in Spanish (issue 13). On a Spanish system the shell reads the OS's languages
//! (`LANGUAGE`, `LANG` here) and from the first screen on every word is Spanish, counts and
//! plurals too; on an English one, My profile → Language switches it, kept for that user on this
//! computer. axe-core checks each screen in Spanish as the other tests do in English.

use std::ffi::OsStr;

use fantoccini::Locator;

use crate::app::{App, built_app};

const PASSWORD: &str = "Girasol-Tormenta-Brújula-83";

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn roster_speaks_spanish_on_a_spanish_system() {
    let env: [(&str, &OsStr); 2] = [
        ("LANGUAGE", OsStr::new("es_ES")),
        ("LANG", OsStr::new("es_ES.UTF-8")),
    ];
    let mut app = App::launch_binary("spanish", &built_app(), &env).await;
    app.heading("Crea tu espacio de trabajo").await;
    app.screenshot("primer-inicio").await;
    app.fill("Nombre del espacio de trabajo", "Ortiz y Asociados")
        .await;
    app.fill("Tu correo electrónico", "lucia@ortiz.example")
        .await;
    app.fill("Nombre", "Lucía").await;
    app.fill("Apellidos", "Ortiz").await;
    app.secret(PASSWORD);
    app.fill("Contraseña", PASSWORD).await;
    app.fill("Confirmar contraseña", PASSWORD).await;
    app.click("Crear espacio de trabajo").await;

    app.heading("Usuarios").await;
    app.expect_text("user-counts", "1 usuario · 1 licencia")
        .await;
    app.screenshot("usuarios").await;
    app.click("Añadir usuario").await;
    app.testid("add-user-stepper").await;
    app.see("Correo electrónico").await;
    app.screenshot("anadir-usuario").await;
    app.click("Cancelar").await;

    for (page, heading) in [
        ("Roles", "Roles"),
        ("Informes", "Informes"),
        ("Configuración", "Configuración"),
    ] {
        app.click(page).await;
        app.heading(heading).await;
        app.screenshot(&page.to_lowercase()).await;
    }
    app.quit().await;
}

#[tokio::test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and the built app; run by scripts/test"]
async fn my_profile_chooses_spanish_on_an_english_system() {
    let mut app = App::launch("spanish-chosen", &[]).await;
    app.fill_first_run("ana@acme.example", PASSWORD).await;
    app.click("Create Workspace").await;
    app.heading("Users").await;
    app.click("Ana Silva").await;
    app.click("My profile").await;
    app.find(Locator::Css("option[value='es']"))
        .await
        .click()
        .await
        .expect("choose Español");
    app.heading("Usuarios").await;
    app.see("Igual que el sistema (English)").await;
    app.screenshot("mi-perfil").await;
    let saved = std::fs::read_to_string(app._data_dir.path().join("preferences.json"))
        .expect("preferences.json");
    assert!(saved.contains("\"es\""), "{saved}");
    app.quit().await;
}
