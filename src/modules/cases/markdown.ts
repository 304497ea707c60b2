import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown for case bodies, questions, outcomes and replies.
 *
 * Two layers, because either alone has failed in other projects: marked is told to escape any
 * raw HTML the author typed (so `<img onerror>` shows as text, it is never parsed as markup), and
 * sanitize-html then keeps only the tags marked itself produces for plain markdown, only
 * http(s) links, and no images (an image URL would tell a third party who is reading the case).
 */
const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const markdown = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    // Images become their alt text: no third-party fetches from inside a confidential thread.
    image: ({ text }) => escapeHtml(text),
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: { a: ['href', 'rel', 'target'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer', target: '_blank' }),
  },
};

/** Safe HTML for a markdown text; the raw markdown is kept as the author wrote it. */
export function renderMarkdown(source: string): string {
  let html: string;
  try {
    html = markdown.parse(source) as string;
  } catch {
    // marked recurses per nesting level: 20,000 `>` overflow the stack. Such a text is shown
    // as the plain text it is rather than failing the write.
    return `<p>${escapeHtml(source).replace(/\r?\n/g, '<br />')}</p>`;
  }
  return sanitizeHtml(html, SANITIZE).trim();
}
