import { describe, expect, it } from 'vitest';
import { bucketCategories, describeRange } from '../src/query/categories.js';

describe('breakdown categories come from the period, not the data', () => {
  it('calendar years, with a part year labelled by its months', () => {
    expect(bucketCategories('year', '2014-01-01', '2019-09-30')).toEqual([
      { key: 2014, label: '2014' },
      { key: 2015, label: '2015' },
      { key: 2016, label: '2016' },
      { key: 2017, label: '2017' },
      { key: 2018, label: '2018' },
      { key: 2019, label: '2019 (January to September)', partial: true },
    ]);
  });

  it('financial years run April to March', () => {
    expect(bucketCategories('financial_year', '2018-04-01', '2020-03-31').map((c) => c.label)).toEqual(['2018-19', '2019-20']);
    expect(bucketCategories('financial_year', '2019-01-01', '2019-12-31').map((c) => c.label)).toEqual([
      '2018-19 (January to March 2019)',
      '2019-20 (April to December 2019)',
    ]);
  });

  it('quarters and months', () => {
    expect(bucketCategories('quarter', '2019-02-01', '2019-06-30').map((c) => [c.key, c.label])).toEqual([
      [20191, '2019 Q1 (February to March)'],
      [20192, '2019 Q2'],
    ]);
    expect(bucketCategories('month', '2019-12-15', '2020-01-31').map((c) => c.label)).toEqual(['December 2019 (15 December to 31 December)', 'January 2020']);
  });

  it('describes ranges in words', () => {
    expect(describeRange('2019-01-01', '2019-09-30')).toBe('January to September');
    expect(describeRange('2019-03-15', '2019-12-31')).toBe('15 March to 31 December');
  });
});
