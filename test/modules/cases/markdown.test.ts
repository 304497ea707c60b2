import t from 'tap';
import { renderMarkdown } from '../../../src/modules/cases/markdown.js';

t.test('markdown renders to safe HTML', async (t) => {
  t.equal(renderMarkdown('**bold** and _it_'), '<p><strong>bold</strong> and <em>it</em></p>');
  t.match(renderMarkdown('- a\n- b'), /<ul>\s*<li>a<\/li>\s*<li>b<\/li>\s*<\/ul>/);
  t.equal(renderMarkdown('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;', 'raw HTML blocks become text');
  t.equal(renderMarkdown('a <b onclick="x">b</b>'), '<p>a &lt;b onclick="x"&gt;b&lt;/b&gt;</p>', 'inline HTML becomes text');
  for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x', '//evil.example/x']) {
    const html = renderMarkdown(`[click](${href})`);
    t.notMatch(html, /href=/, `${href} loses its href`);
  }
  t.equal(
    renderMarkdown('[paper](https://nejm.org/doi/x)'),
    '<p><a href="https://nejm.org/doi/x" rel="nofollow noopener noreferrer" target="_blank">paper</a></p>',
  );
  t.equal(renderMarkdown('![patient photo](https://x.example/p.png)'), '<p>patient photo</p>', 'images become their alt text');
  t.equal(renderMarkdown('line one\nline two'), '<p>line one<br />line two</p>');

  const deep = `${'>'.repeat(20_000)} <b>hi</b>\nnext`;
  const html = renderMarkdown(deep);
  t.ok(html.startsWith('<p>&gt;&gt;&gt;'), 'nesting too deep for the parser falls back to escaped text');
  t.match(html, /&lt;b&gt;hi&lt;\/b&gt;<br \/>next<\/p>$/);
});
