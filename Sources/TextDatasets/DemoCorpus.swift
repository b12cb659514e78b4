/// The embedded `"demo"` pre-training corpus, written for bert-kernel: 36 short documents on
/// everyday topics, one sentence per line, blank lines between documents (the format of
/// `PretrainingCorpus` files, the same layout BERT's `create_pretraining_data.py` reads).
enum DemoCorpus {
    static let text = """
    My alarm rings at half past six every weekday.
    I switch on the kettle before I do anything else.
    While the water heats, I open the curtains and look at the sky.
    If it is raining, I pack an umbrella and my heavier coat.
    Breakfast is usually porridge with a spoonful of honey.
    By seven I am out of the door and walking to the station.

    Baking bread at home is simpler than most people think.
    You only need flour, water, salt and a little yeast.
    The dough should rest until it has doubled in size.
    Kneading builds the gluten that gives the loaf its structure.
    A hot oven and a tray of water make a crisp crust.
    The hardest part is waiting for the bread to cool before cutting it.

    Last spring I started cycling to work instead of driving.
    The first week my legs ached every evening.
    After a month the ride felt easy and I arrived awake and cheerful.
    I bought bright lights and a waterproof jacket for the winter.
    Now I save money on fuel and never sit in traffic jams.

    Our small garden produces more vegetables than we can eat.
    Tomatoes grow best against the sunny wall by the shed.
    The lettuce has to be protected from snails with a ring of grit.
    In August we give bags of courgettes to the neighbours.
    Next year we want to try growing sweet potatoes.

    The town library opened a new reading room this year.
    It has large windows, comfortable chairs and free internet.
    Children come after school to do their homework at the long tables.
    On Saturdays a volunteer reads stories to the youngest visitors.
    Borrowing books is still free, and the fines for late returns were abolished.

    We spent a week by the sea, and it rained almost every day.
    At first we were disappointed and stayed inside playing cards.
    Then we bought raincoats and walked along the cliffs anyway.
    The waves were huge and the beach was completely empty.
    It turned out to be one of our favourite holidays.

    I began learning the piano when I was forty.
    My teacher told me to practise for twenty minutes every day.
    At first my fingers refused to move independently.
    After six months I could play a simple waltz from memory.
    Music has become the calmest part of my day.

    Moving house took far longer than we had planned.
    We packed our books into forty heavy boxes.
    The removal van arrived late and the driver got lost twice.
    By midnight the beds were assembled and we fell asleep among the boxes.
    It took another month before the new place felt like home.

    Every Thursday a farmers' market fills the main square.
    Stalls sell cheese, fresh bread, fruit and cut flowers.
    The fishmonger shouts the prices of the day's catch.
    I always buy eggs from the woman who keeps hens on the hill.
    By one o'clock the stalls are packed away and the square is quiet again.

    Our puppy chewed everything during his first month with us.
    We enrolled him in a training class at the village hall.
    The trainer showed us how to reward good behaviour with small treats.
    Within weeks he learned to sit, wait and come when called.
    He still steals socks, but he brings them back when asked.

    The forecast promised sunshine for the whole weekend.
    We planned a picnic in the park with our friends.
    On Saturday morning dark clouds rolled in from the west.
    By noon a thunderstorm had soaked everyone to the skin.
    We ate the sandwiches in the car and laughed about it.

    My bicycle had a flat tyre after I rode over broken glass.
    I turned the bike upside down and removed the wheel.
    Finding the hole was easy once I put the tube in a bowl of water.
    A small patch and some glue sealed it completely.
    The repair took twenty minutes and cost almost nothing.

    The class went on a school trip to the science museum.
    The children were excited from the moment they boarded the bus.
    They tried a machine that makes lightning and a room that spins.
    Lunch was eaten on the steps outside in the sunshine.
    On the way home most of them fell asleep.

    Volunteers planted two hundred trees along the river this autumn.
    Each sapling was protected by a plastic tube against hungry deer.
    The council provided spades, gloves and hot soup for everyone.
    In twenty years the bank will be shaded by a young forest.
    Several families promised to come back every year to check on their trees.

    When the weather turns cold, I make a large pot of soup.
    I start by softening onions, carrots and celery in butter.
    Then I add lentils, a tin of tomatoes and plenty of stock.
    The soup simmers slowly for about an hour.
    It tastes even better the next day, reheated with fresh bread.

    Far from the city lights, the night sky is full of stars.
    On clear nights we can see the pale band of the Milky Way.
    My grandfather taught me to find the pole star.
    In August we lie on the grass and count shooting stars.
    Last year we counted more than forty in a single hour.

    On my first day at the new job I arrived far too early.
    The receptionist gave me a badge and showed me to my desk.
    My manager introduced me to the team over coffee.
    Everyone was friendly, but I forgot most of their names by lunchtime.
    By the end of the week I felt I had been there for months.

    Our street started a new recycling scheme in January.
    Each house received three bins in different colours.
    Paper goes in the blue bin, glass in the green one and food waste in the brown one.
    The amount of rubbish sent to landfill has fallen by half.
    The children check that everyone sorts their waste correctly.

    My sister decided to run a marathon for her fortieth birthday.
    She trained four mornings a week for six months.
    On the day of the race it was hot and the course was hilly.
    She finished in just under five hours and cried at the finish line.
    Now she is already planning the next one.

    Last night there was a power cut across the whole town.
    We found candles in the kitchen drawer and lit them on the table.
    Without the television, we played board games and told stories.
    The electricity came back just before midnight.
    The children asked if we could have a power cut every week.

    The old stone bridge over the river is nearly four hundred years old.
    It was built for carts and horses, not for heavy lorries.
    Last year engineers found cracks in two of its arches.
    Now only pedestrians and cyclists are allowed to cross it.
    A new road bridge is being built a mile downstream.

    Making friends in a new city can be hard.
    When I moved, I joined a choir that meets on Tuesday evenings.
    Singing together made it easy to start conversations.
    After rehearsals we often go to the cafe across the street.
    A year later, some of those singers are my closest friends.

    Honeybees visit thousands of flowers every day.
    They carry pollen from plant to plant, which helps fruit to grow.
    A single hive can hold more than fifty thousand bees.
    In winter the bees cluster together to keep the queen warm.
    Beekeepers collect the honey in late summer.

    This morning I could not find my keys anywhere.
    I searched every pocket, every drawer and under the sofa.
    I was about to call a locksmith when my son laughed.
    The keys were hanging in the front door, where I had left them last night.
    I have now put a hook right beside the door.

    We decided to paint the kitchen a pale yellow.
    First we washed the walls and filled the small cracks.
    Covering the floor and cupboards took longer than the painting itself.
    Two coats of paint were enough to hide the old green colour.
    The room now looks brighter, even on grey days.

    The train journey to the mountains takes six hours.
    For the first part the line follows a wide, slow river.
    Then the track climbs through tunnels and over high viaducts.
    Passengers crowd to the windows when the snowy peaks appear.
    Arriving at the small station feels like entering another world.

    The school chess club meets every Wednesday at lunchtime.
    Beginners learn how each piece moves and why the centre matters.
    Older students play timed games against each other.
    The club entered its first tournament last spring.
    They did not win, but they beat a team from a much larger school.

    During the dry summer the town asked everyone to save water.
    We took shorter showers and turned off the tap while brushing our teeth.
    Rainwater from the roof was collected in a barrel for the garden.
    The lawn turned brown, but the vegetables survived.
    When the rain finally came, the whole street went outside to watch.

    My grandmother kept her recipes in a battered notebook.
    Many pages are stained with butter and flour.
    Some recipes give no quantities, only advice such as adding sugar until it tastes right.
    We have started typing them up so that nothing is lost.
    Every Sunday one of us cooks a dish from the book.

    The first snow of the winter fell during the night.
    In the morning the whole village was white and silent.
    Children built snowmen in every garden before breakfast.
    The buses were cancelled, so many people walked to work.
    By the afternoon the snow had started to melt into grey slush.

    On Saturdays I volunteer at the local food bank.
    We sort donations into boxes of tins, pasta and cereal.
    Families arrive in the afternoon to collect what they need.
    Some of them have jobs, but their wages do not cover every bill.
    The work is tiring, but it is the most useful thing I do all week.

    Our washing machine stopped in the middle of a cycle.
    The drum was full of water and the door would not open.
    I found the manual and followed the steps to drain it.
    A small coin had blocked the pump filter.
    After I removed it, the machine worked perfectly again.

    My son was afraid of water until he was seven.
    We started with short visits to the shallow end of the pool.
    His instructor taught him to float on his back first.
    Slowly he learned to kick and breathe without panicking.
    Last month he swam a whole length for the first time.

    We went camping in the forest for three nights.
    The first evening we struggled to put up the tent in the dark.
    We cooked sausages over a small fire and listened to the owls.
    In the morning a deer walked past our campsite.
    We came home dirty, tired and already planning the next trip.

    A new cafe opened on the corner of our street.
    The owner bakes all the cakes herself every morning.
    Students work there on their laptops for hours with a single coffee.
    In the evenings the tables are pushed aside for small concerts.
    It has quickly become the heart of the neighbourhood.

    Many people look at their phones just before going to sleep.
    Bright screens can make it harder for the brain to relax.
    Some doctors suggest leaving phones outside the bedroom.
    I tried reading a paper book instead for one month.
    I fell asleep faster and woke up feeling more rested.
    """
}
