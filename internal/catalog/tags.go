package catalog

import (
	"regexp"
	"strings"
)

// tags are services' tags as their vendors publish them, with placeholder
// IDs (G-XXXXXXXXXX, PIXEL_ID, HOTJAR_SITE_ID …) for the site's own. None
// is a bare SITE_ID: the embed code's SITE_ID is Consentry's site ID, and
// an owner took Hotjar's for it.
var tags = map[string]string{
	"google-analytics": `<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXXXXX"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-XXXXXXXXXX');
</script>`,
	"google-ads": `<script async src="https://www.googletagmanager.com/gtag/js?id=AW-XXXXXXXXX"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'AW-XXXXXXXXX');
</script>`,
	"google-tag-manager": `<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-XXXXXXX');</script>`,
	"meta-pixel": `<script>
!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;
n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,
document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', 'PIXEL_ID');
fbq('track', 'PageView');
</script>`,
	"youtube":           `<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/VIDEO_ID" title="YouTube video player" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture" allowfullscreen></iframe>`,
	"vimeo":             `<iframe src="https://player.vimeo.com/video/VIDEO_ID" width="640" height="360" title="Vimeo video" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`,
	"google-maps":       `<iframe src="https://www.google.com/maps/embed?pb=MAP_ID" width="600" height="450" title="Map" loading="lazy"></iframe>`,
	"hotjar":            `<script>(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:HOTJAR_SITE_ID,hjsv:6};a=o.getElementsByTagName('head')[0];r=o.createElement('script');r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;a.appendChild(r);})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>`,
	"microsoft-clarity": `<script>(function(c,l,a,r,i,t,y){c[a]=c[a]||function(){(c[a].q=c[a].q||[]).push(arguments)};t=l.createElement(r);t.async=1;t.src="https://www.clarity.ms/tag/"+i;y=l.getElementsByTagName(r)[0];y.parentNode.insertBefore(t,y);})(window, document, "clarity", "script", "PROJECT_ID");</script>`,
	"microsoft-uet":     `<script>(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"TAG_ID",enableAutoSpaTracking:true};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r,n.async=1,n.onload=n.onreadystatechange=function(){var s=this.readyState;s&&s!=="loaded"&&s!=="complete"||(f(),n.onload=n.onreadystatechange=null)},i=d.getElementsByTagName(t)[0],i.parentNode.insertBefore(n,i)})(window,document,"script","//bat.bing.com/bat.js","uetq");</script>`,
	"linkedin-insight": `<script>_linkedin_partner_id = "PARTNER_ID"; window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || []; window._linkedin_data_partner_ids.push(_linkedin_partner_id);</script>
<script src="https://snap.licdn.com/li.lms-analytics/insight.min.js" async></script>`,
	"tiktok-pixel": `<script src="https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=PIXEL_ID&lib=ttq" async></script>`,
	"hubspot":      `<script id="hs-script-loader" async defer src="//js.hs-scripts.com/HUB_ID.js"></script>`,
	"matomo": `<script>
  var _paq = window._paq = window._paq || [];
  _paq.push(['trackPageView']); _paq.push(['enableLinkTracking']);
  _paq.push(['setTrackerUrl', 'https://YOUR.matomo.cloud/matomo.php']); _paq.push(['setSiteId', '1']);
</script>
<script async src="https://cdn.matomo.cloud/YOUR.matomo.cloud/matomo.js"></script>`,
	"stripe":           `<script src="https://js.stripe.com/v3/"></script>`,
	"google-recaptcha": `<script src="https://www.google.com/recaptcha/api.js" async defer></script>`,
	"pinterest-tag":    `<script src="https://s.pinimg.com/ct/core.js" async></script>`,
	"x-pixel":          `<script src="https://static.ads-twitter.com/uwt.js" async></script>`,
	"snapchat-pixel":   `<script src="https://sc-static.net/scevent.min.js" async></script>`,
	"reddit-pixel":     `<script src="https://www.redditstatic.com/ads/pixel.js" async></script>`,
	"spotify":          `<iframe src="https://open.spotify.com/embed/track/TRACK_ID" width="100%" height="152" title="Spotify" allow="encrypted-media"></iframe>`,
	"wistia":           `<script src="https://fast.wistia.com/assets/external/E-v1.js" async></script>`,
	"intercom":         `<script src="https://widget.intercom.io/widget/APP_ID" async></script>`,
	"crisp":            `<script src="https://client.crisp.chat/l.js" async></script>`,
	"tawk-to":          `<script src="https://embed.tawk.to/PROPERTY_ID/default" async></script>`,
}

var (
	scriptSrc  = regexp.MustCompile(`<script([^>]*?)\ssrc=`)
	scriptOpen = regexp.MustCompile(`<script(\s[^>]*)?>`)
	iframeSrc  = regexp.MustCompile(`<iframe([^>]*?)\ssrc=`)
)

// Tag is the tag of a catalog service as its vendor publishes it, rewritten
// so that it runs or loads only once category is granted: scripts become
// type="text/plain" with data-consent and data-src, iframes take data-src.
// A necessary service's tag stays as it is. ok is false when the catalog
// has no tag for the service.
func Tag(id, category string) (tag string, ok bool) {
	t, ok := tags[id]
	if !ok || category == "necessary" {
		return t, ok
	}
	mark := ` data-consent="` + category + `"`
	t = scriptSrc.ReplaceAllString(t, `<script$1 data-src=`)
	t = scriptOpen.ReplaceAllStringFunc(t, func(open string) string {
		return strings.Replace(open, "<script", `<script type="text/plain"`+mark, 1)
	})
	t = iframeSrc.ReplaceAllString(t, `<iframe$1`+mark+` data-src=`)
	return t, true
}
