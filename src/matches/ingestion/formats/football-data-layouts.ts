// Full headers of football-data.co.uk season layouts, used only to read rows that do not fit the
// file's own header: merged downloads (e.g. 2024-25 + 2025-26 concatenated under the first
// season's header) carry rows of a later, wider layout. A row is re-read with a known layout only
// when its width matches that layout exactly.

const ODDS_2025_26 =
  'B365H,B365D,B365A,BFDH,BFDD,BFDA,BMGMH,BMGMD,BMGMA,BVH,BVD,BVA,BWH,BWD,BWA,CLH,CLD,CLA,' +
  'LBH,LBD,LBA,PSH,PSD,PSA,MaxH,MaxD,MaxA,AvgH,AvgD,AvgA,BFEH,BFED,BFEA,' +
  'B365>2.5,B365<2.5,P>2.5,P<2.5,Max>2.5,Max<2.5,Avg>2.5,Avg<2.5,BFE>2.5,BFE<2.5,' +
  'AHh,B365AHH,B365AHA,PAHH,PAHA,MaxAHH,MaxAHA,AvgAHH,AvgAHA,BFEAHH,BFEAHA,' +
  'B365CH,B365CD,B365CA,BFDCH,BFDCD,BFDCA,BMGMCH,BMGMCD,BMGMCA,BVCH,BVCD,BVCA,BWCH,BWCD,BWCA,' +
  'CLCH,CLCD,CLCA,LBCH,LBCD,LBCA,PSCH,PSCD,PSCA,MaxCH,MaxCD,MaxCA,AvgCH,AvgCD,AvgCA,' +
  'BFECH,BFECD,BFECA,B365C>2.5,B365C<2.5,PC>2.5,PC<2.5,MaxC>2.5,MaxC<2.5,AvgC>2.5,AvgC<2.5,' +
  'BFEC>2.5,BFEC<2.5,AHCh,B365CAHH,B365CAHA,PCAHH,PCAHA,MaxCAHH,MaxCAHA,AvgCAHH,AvgCAHA,' +
  'BFECAHH,BFECAHA';

const MATCH_WITH_REFEREE =
  'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,Referee,' +
  'HS,AS,HST,AST,HF,AF,HC,AC,HY,AY,HR,AR';

const MATCH_WITHOUT_REFEREE = MATCH_WITH_REFEREE.replace(',Referee', '');

export interface KnownLayout {
  name: string;
  columns: readonly string[];
}

export const KNOWN_FOOTBALL_DATA_LAYOUTS: readonly KnownLayout[] = [
  // British divisions publish the referee, the others do not.
  { name: '2025-26 (with Referee)', columns: `${MATCH_WITH_REFEREE},${ODDS_2025_26}`.split(',') },
  { name: '2025-26', columns: `${MATCH_WITHOUT_REFEREE},${ODDS_2025_26}`.split(',') },
];
