// The CVM regions the fake serves: the 18 regions named in the current public docs.

/** Region id → English name, as DescribeRegions returns them. */
export const FAKE_TENCENT_REGIONS: ReadonlyMap<string, string> = new Map([
  ['ap-guangzhou', 'South China(Guangzhou)'],
  ['ap-shanghai', 'East China(Shanghai)'],
  ['ap-nanjing', 'East China(Nanjing)'],
  ['ap-beijing', 'North China(Beijing)'],
  ['ap-chengdu', 'Southwest China(Chengdu)'],
  ['ap-chongqing', 'Southwest China(Chongqing)'],
  ['ap-hongkong', 'Hong Kong, Macau and Taiwan (China)(Hong Kong, China)'],
  ['ap-singapore', 'Southeast Asia(Singapore)'],
  ['ap-jakarta', 'Southeast Asia(Jakarta)'],
  ['ap-seoul', 'Northeast Asia(Seoul)'],
  ['ap-tokyo', 'Northeast Asia(Tokyo)'],
  ['ap-bangkok', 'Southeast Asia(Bangkok)'],
  ['na-siliconvalley', 'West US(Silicon Valley)'],
  ['na-ashburn', 'East US(Virginia)'],
  ['eu-frankfurt', 'Europe(Frankfurt)'],
  ['sa-saopaulo', 'South America(São Paulo)'],
  ['ap-shanghai-fsi', 'East China(Shanghai Finance)'],
  ['ap-shenzhen-fsi', 'South China(Shenzhen Finance)'],
]);
