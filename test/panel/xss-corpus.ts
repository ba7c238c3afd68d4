/**
 * Hostile HTML mails. Each payload, if it ever ran, would mark the panel's window, open a
 * dialog, ask the marker server for /js/<name> and retitle the panel: all four are checked.
 * The catalogue follows the OWASP XSS filter evasion cheat sheet and the classic mail cases.
 */
export interface Payload {
  name: string;
  html: string;
}

export function xssCorpus(marker: string): Payload[] {
  const run = (name: string) => `top.__xss='${name}';alert('${name}');fetch('${marker}/js/${name}');parent.document.title='PWNED'`;
  const list: Array<[string, (s: string) => string]> = [
    ['script-tag', (s) => `<script>${s}</script>`],
    ['script-src', () => `<script src="${marker}/js/script-src"></script>`],
    ['script-upper', (s) => `<SCRIPT>${s}</SCRIPT>`],
    ['img-onerror', (s) => `<img src=x onerror="${s}">`],
    ['body-onload', (s) => `<body onload="${s}"><p>body</p></body>`],
    ['svg-onload', (s) => `<svg onload="${s}"><circle r="5"/></svg>`],
    ['svg-script', (s) => `<svg><script>${s}</script></svg>`],
    ['svg-animate', (s) => `<svg><a><animate attributeName="href" values="javascript:${s}"/><text y="20">svg link</text></a></svg>`],
    ['javascript-link', (s) => `<a href="javascript:${s}">click me</a>`],
    ['javascript-link-entities', (s) => `<a href="&#106;avascript:${s}">encoded</a>`],
    ['javascript-link-tab', (s) => `<a href="jav&#x09;ascript:${s}">tabbed</a>`],
    ['data-link', (s) => `<a href="data:text/html,<script>${encodeURIComponent(s)}</script>">data link</a>`],
    ['iframe-data', (s) => `<iframe src="data:text/html,<script>${encodeURIComponent(s)}</script>"></iframe>`],
    ['iframe-srcdoc', (s) => `<iframe srcdoc="<script>${s.replace(/'/g, '&#39;')}</script>"></iframe>`],
    ['object-data', (s) => `<object data="data:text/html,<script>${encodeURIComponent(s)}</script>"></object>`],
    ['embed-src', (s) => `<embed src="javascript:${s}">`],
    ['form-submit', () => `<form action="${marker}/js/form-submit" method="post"><input name="q" value="1"><button>Submit</button></form>`],
    ['form-javascript', (s) => `<form action="javascript:${s}"><button>Go</button></form>`],
    ['meta-refresh-js', (s) => `<meta http-equiv="refresh" content="0;url=javascript:${s}">`],
    ['meta-refresh-url', () => `<meta http-equiv="refresh" content="0;url=${marker}/js/meta-refresh-url">`],
    ['base-href', () => `<base href="${marker}/js/base-href/"><a href="x">relative</a><img src="y.png" alt="rel">`],
    ['css-expression', (s) => `<div style="width: expression(${s}); background: url('javascript:${s}')">styled</div>`],
    ['css-import', () => `<style>@import '${marker}/js/css-import'; body { background: url(${marker}/js/css-bg) }</style>`],
    ['link-stylesheet', () => `<link rel="stylesheet" href="${marker}/js/link-stylesheet">`],
    ['details-ontoggle', (s) => `<details open ontoggle="${s}"><summary>more</summary>x</details>`],
    ['autofocus-onfocus', (s) => `<input autofocus onfocus="${s}">`],
    ['video-source-onerror', (s) => `<video><source onerror="${s}"></video>`],
    ['mxss-math-style', (s) => `<math><mtext><table><mglyph><style><img src=x onerror="${s}">`],
    ['mxss-noscript', (s) => `<noscript><p title="</noscript><img src=x onerror=${s.replace(/ /g, '')}>">`],
    ['style-breakout', (s) => `<style></style><script>${s}</script></style>`],
    ['remote-image', () => `<img src="${marker}/js/remote-image" alt="tracker">`],
  ];
  return list.map(([name, make]) => ({ name, html: `<p>Payload ${name} is inert.</p>${make(run(name))}` }));
}
