import { escapeHtml, html, SafeHtml } from './html';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('the html template tag', () => {
  it('escapes interpolated text, numbers included as text', () => {
    const name = '<script>alert(1)</script>';
    expect(html`<p title="${name}">${name} ${42}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt; 42</p>',
    );
  });

  it('inserts nested html results and arrays of them as they are, and nothing for null, undefined and false', () => {
    const items = ['a<', 'b>'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}`.value).toBe('<ul><li>a&lt;</li><li>b&gt;</li></ul>');
    expect(String(new SafeHtml('<b>'))).toBe('<b>');
  });
});
