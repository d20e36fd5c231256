"""Common French first names, accent-folded and lowercase: a person's name in free text (see patient_data.py).

Written down from the first names most given in France to people born 1940-2005. Names that are also ordinary
words of a report (Claire, France, Rose, Marine, Victoire, Aurore…) are left out: a name beside a date is
caught anyway when it stands right next to the date. Add a name when a report slips through.
"""

_WRITTEN = """
    aaron adam adele adrien agathe agnes alain alan albert alexandra alexandre alexis alice aline alix amandine
    amelie anais andre andrea angelique anne annick annie anthony antoine antonin arnaud arthur audrey axel
    baptiste benjamin benoit bernadette bernard bertrand brigitte bruno camille carine carole caroline catherine
    cecile celine chantal charles charlotte chloe christelle christian christiane christine christophe clement
    clemence colette corinne cyril damien daniel daniele danielle david delphine denis denise didier dominique
    dylan eddy edith elisa elisabeth elise eliane elodie eloise emilie emma emmanuel emmanuelle enzo eric estelle
    etienne eugenie eva evelyne fabien fabienne fabrice fanny florian francine francis francoise franck
    francois frederic frederique gabriel gael gaelle genevieve georges gerard gilbert gilles ginette gisele
    gregory guillaume guy gwenaelle gwendal helene henri herve hugo hugues ines irene isabelle jacqueline
    jacques jean jeanne jeannine jeremy jerome jessica joel joelle johan jonathan jordan josiane joseph
    josette julie julien juliette justine karine kevin laetitia laura laure laurence laurent lea leo leon
    liliane lina lionel loic louis louise luc lucas lucie lucien lucienne ludovic madeleine maelle maelys
    manon marc marcel marcelle margaux marguerite maria marie marion martine mathieu mathilde
    matthieu maurice maxime melanie michel micheline michele mickael monique morgane muriel mylene nadine
    nathalie nicolas nicole noel noemie odette odile olivier pascal pascale patrice patricia patrick paul
    paulette philippe pierre quentin raphael raymond regis remi renee rene richard robert roger roland romain
    sabine sandrine sarah sebastien serge simone solange sophie stephane stephanie suzanne sylvain sylvie
    theo therese thierry thomas timothee tiphaine valentin valerie vanessa veronique vincent virginie
    xavier yann yannick yves yvette yvon yvonne zoe
"""
FIRST_NAMES = frozenset(_WRITTEN.split())
