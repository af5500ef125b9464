//! Roster on a Spanish system (issue 13): the shell reads the OS's languages (`LANGUAGE`,
//! `LANG` here), and from the first screen on every word is Spanish, counts and plurals too;
//! axe-core checks each screen in Spanish as the other tests do in English.

use std::ffi::OsStr;

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
