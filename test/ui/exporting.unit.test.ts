/** The CSV export of the UI's lists: Excel-readable, quoted, formula-safe; paging and search helpers. */
import { allPages, csvCell, exportName, matches, toCsv } from '../../modeler-ui/src/exporting';

describe('list export', () => {
  it('should write a BOM, a header and CRLF rows, quoting what needs it', () => {
    const csv = toCsv(
      [
        { label: '项目', value: (r: { name: string; n: number | null }) => r.name },
        { label: '天数', value: (r) => r.n },
      ],
      [
        { name: '政务云, 二期', n: 3 },
        { name: '他说"好"', n: null },
        { name: '多行\n说明', n: 0 },
      ],
    );
    expect(csv).toBe('\uFEFF项目,天数\r\n"政务云, 二期",3\r\n"他说""好""",\r\n"多行\n说明",0\r\n');
  });

  it('should defuse cells a spreadsheet would run as formulas, but not numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(undefined)).toBe('');
  });

  it('should name the file after the list and the local time', () => {
    expect(exportName('待办任务', new Date(2026, 10, 25, 9, 5))).toBe('待办任务-20261125-0905.csv');
  });

  it('should fetch every page for the current filters, up to a cap', async () => {
    const all = Array.from({ length: 250 }, (_, i) => i);
    const calls: number[] = [];
    const fetchPage = async (page: number, size: number) => {
      calls.push(page);
      return { items: all.slice((page - 1) * size, page * size), total: all.length };
    };
    await expect(allPages(fetchPage)).resolves.toEqual(all);
    expect(calls).toEqual([1, 2, 3]);
    await expect(allPages(fetchPage, 120)).resolves.toHaveLength(120);
  });

  it('should search case-insensitively in any of the fields', () => {
    expect(matches('', 'x')).toBe(true);
    expect(matches('yj2027', 'YJ2027-0001', null)).toBe(true);
    expect(matches('教育', undefined, '区教育局')).toBe(true);
    expect(matches('卫健', '区教育局')).toBe(false);
  });
});
