export { loadSiteHistory, type HistoryReader, type SiteHistory } from './load-history';
