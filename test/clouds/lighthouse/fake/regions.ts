// The Lighthouse regions the fake serves, as DescribeRegions (2020-03-24) lists them: `Region`,
// `RegionName` (the API reference example gives Chinese names: "北京", "广州", "上海", "中国香港")
// and `IsChinaMainland`. Lighthouse has regions of its own, not CVM's list.

export interface FakeLighthouseRegion {
  RegionName: string;
  IsChinaMainland: boolean;
}

// Assumed: this list. The API reference (cloud.tencent.com/document/api/1207/55555) shows only
// four regions in its example; the others are the Lighthouse regions of the product pages.
export const FAKE_LIGHTHOUSE_REGIONS: ReadonlyMap<string, FakeLighthouseRegion> = new Map([
  ['ap-beijing', { RegionName: '北京', IsChinaMainland: true }],
  ['ap-chengdu', { RegionName: '成都', IsChinaMainland: true }],
  ['ap-chongqing', { RegionName: '重庆', IsChinaMainland: true }],
  ['ap-guangzhou', { RegionName: '广州', IsChinaMainland: true }],
  ['ap-nanjing', { RegionName: '南京', IsChinaMainland: true }],
  ['ap-shanghai', { RegionName: '上海', IsChinaMainland: true }],
  ['ap-hongkong', { RegionName: '中国香港', IsChinaMainland: false }],
  ['ap-singapore', { RegionName: '新加坡', IsChinaMainland: false }],
  ['ap-jakarta', { RegionName: '雅加达', IsChinaMainland: false }],
  ['ap-bangkok', { RegionName: '曼谷', IsChinaMainland: false }],
  ['ap-seoul', { RegionName: '首尔', IsChinaMainland: false }],
  ['ap-tokyo', { RegionName: '东京', IsChinaMainland: false }],
  ['ap-mumbai', { RegionName: '孟买', IsChinaMainland: false }],
  ['eu-frankfurt', { RegionName: '法兰克福', IsChinaMainland: false }],
  ['na-siliconvalley', { RegionName: '硅谷', IsChinaMainland: false }],
  ['na-ashburn', { RegionName: '弗吉尼亚', IsChinaMainland: false }],
]);
