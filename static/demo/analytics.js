// Demo "analytics": stands for a Google-Analytics-like tag. It must run only
// after the visitor grants analytics; it sets the cookie the demo site declares.
document.cookie = "_demo_ga=GA1.1." + Date.now() + "; path=/; max-age=34128000; SameSite=Lax";
(window.demoRan = window.demoRan || []).push("analytics");
window.dataLayer.push({ event: "demo_page_view" });
