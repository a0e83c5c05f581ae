var he,S,et,on,q,Xe,tt,nt,Ce,ce,re,at,je,Le,Ae,ot,$e={},fe=[],rn=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,_e=Array.isArray;function G(e,t){for(var n in t)e[n]=t[n];return e}function Ve(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Fe(e,t,n){var a,i,o,s={};for(o in t)o=="key"?a=t[o]:o=="ref"?i=t[o]:s[o]=t[o];if(arguments.length>2&&(s.children=arguments.length>3?he.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(o in e.defaultProps)s[o]===void 0&&(s[o]=e.defaultProps[o]);return ue(e,s,a,i,null)}function ue(e,t,n,a,i){var o={type:e,props:t,key:n,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:i??++et,__i:-1,__u:0};return i==null&&S.vnode!=null&&S.vnode(o),o}function ve(e){return e.children}function pe(e,t){this.props=e,this.context=t}function X(e,t){if(t==null)return e.__?X(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?X(e):null}function sn(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,a=[],i=[],o=G({},t);o.__v=t.__v+1,S.vnode&&S.vnode(o),Ne(e.__P,o,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,a,n??X(t),!!(32&t.__u),i),o.__v=t.__v,o.__.__k[o.__i]=o,dt(a,o,i),t.__e=t.__=null,o.__e!=n&&rt(o)}}function rt(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),rt(e)}function Re(e){(!e.__d&&(e.__d=!0)&&q.push(e)&&!me.__r++||Xe!=S.debounceRendering)&&((Xe=S.debounceRendering)||tt)(me)}function me(){try{for(var e,t=1;q.length;)q.length>t&&q.sort(nt),e=q.shift(),t=q.length,sn(e)}finally{q.length=me.__r=0}}function st(e,t,n,a,i,o,s,l,p,d,u){var g,c,$,_,y,k,T=a&&a.__k||fe,w=t.length;for(p=ln(n,t,T,p,w),g=0;g<w;g++)($=n.__k[g])!=null&&(c=$.__i!=-1&&T[$.__i]||$e,$.__i=g,k=Ne(e,$,c,i,o,s,l,p,d,u),_=$.__e,$.ref&&c.ref!=$.ref&&(c.ref&&Be(c.ref,null,$),u.push($.ref,$.__c||_,$)),y==null&&_!=null&&(y=_),4&$.__u?(p=it($,p,e),c.__e&&(c.__e=null)):typeof $.type=="function"&&k!==void 0?p=k:_&&(p=_.nextSibling),$.__u&=-7);return n.__e=y,p}function ln(e,t,n,a,i){var o,s,l,p,d,u=n.length,g=u,c=0;for(e.__k=new Array(i),o=0;o<i;o++)(s=t[o])!=null&&typeof s!="boolean"&&typeof s!="function"?(typeof s=="string"||typeof s=="number"||typeof s=="bigint"||s.constructor==String?s=e.__k[o]=ue(null,s,null,null,null):_e(s)?s=e.__k[o]=ue(ve,{children:s},null,null,null):s.constructor===void 0&&s.__b>0?s=e.__k[o]=ue(s.type,s.props,s.key,s.ref?s.ref:null,s.__v):e.__k[o]=s,p=o+c,s.__=e,s.__b=e.__b+1,l=null,(d=s.__i=dn(s,n,p,g))!=-1&&(g--,(l=n[d])&&(l.__u|=2)),l==null||l.__v==null?(d==-1&&(i>u?c--:i<u&&c++),typeof s.type!="function"&&(s.__u|=4)):d!=p&&(d==p-1?c--:d==p+1?c++:(d>p?c--:c++,s.__u|=4))):e.__k[o]=null;if(g)for(o=0;o<u;o++)(l=n[o])!=null&&(2&l.__u)==0&&(l.__e==a&&(a=X(l)),ut(l,l));return a}function it(e,t,n){var a,i;if(typeof e.type=="function"){for(a=e.__k,i=0;a&&i<a.length;i++)a[i]&&(a[i].__=e,t=it(a[i],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=X(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function dn(e,t,n,a){var i,o,s,l=e.key,p=e.type,d=t[n],u=d!=null&&(2&d.__u)==0;if(d===null&&l==null||u&&l==d.key&&p==d.type)return n;if(a>(u?1:0)){for(i=n-1,o=n+1;i>=0||o<t.length;)if((d=t[s=i>=0?i--:o++])!=null&&(2&d.__u)==0&&l==d.key&&p==d.type)return s}return-1}function Ze(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||rn.test(t)?n:n+"px"}function de(e,t,n,a,i){var o,s;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof a=="string"&&(e.style.cssText=a=""),a)for(t in a)n&&t in n||Ze(e.style,t,"");if(n)for(t in n)a&&n[t]==a[t]||Ze(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")o=t!=(t=t.replace(at,"$1")),s=t.toLowerCase(),t=s in e||t=="onFocusOut"||t=="onFocusIn"?s.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+o]=n,n?a?n[re]=a[re]:(n[re]=je,e.addEventListener(t,o?Ae:Le,o)):e.removeEventListener(t,o?Ae:Le,o);else{if(i=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function Qe(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[ce]==null)t[ce]=je++;else if(t[ce]<n[re])return;return n(S.event?S.event(t):t)}}}function Ne(e,t,n,a,i,o,s,l,p,d){var u,g,c,$,_,y,k,T,w,N,Y,U,R,B,F,W,V=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(p=!!(32&n.__u),o=[l=t.__e=n.__e]),(u=S.__b)&&u(t);e:if(typeof V=="function"){g=s.length;try{if(w=t.props,N=V.prototype&&V.prototype.render,Y=(u=V.contextType)&&a[u.__c],U=u?Y?Y.props.value:u.__:a,n.__c?T=(c=t.__c=n.__c).__=c.__E:(N?t.__c=c=new V(w,U):(t.__c=c=new pe(w,U),c.constructor=V,c.render=un),Y&&Y.sub(c),c.state||(c.state={}),c.__n=a,$=c.__d=!0,c.__h=[],c._sb=[]),N&&c.__s==null&&(c.__s=c.state),N&&V.getDerivedStateFromProps!=null&&(c.__s==c.state&&(c.__s=G({},c.__s)),G(c.__s,V.getDerivedStateFromProps(w,c.__s))),_=c.props,y=c.state,c.__v=t,$)N&&V.getDerivedStateFromProps==null&&c.componentWillMount!=null&&c.componentWillMount(),N&&c.componentDidMount!=null&&c.__h.push(c.componentDidMount);else{if(N&&V.getDerivedStateFromProps==null&&w!==_&&c.componentWillReceiveProps!=null&&c.componentWillReceiveProps(w,U),t.__v==n.__v||!c.__e&&c.shouldComponentUpdate!=null&&c.shouldComponentUpdate(w,c.__s,U)===!1){t.__v!=n.__v&&(c.props=w,c.state=c.__s,c.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(ee){ee&&(ee.__=t)}),fe.push.apply(c.__h,c._sb),c._sb=[],c.__h.length&&s.push(c),l=X(n);break e}c.componentWillUpdate!=null&&c.componentWillUpdate(w,c.__s,U),N&&c.componentDidUpdate!=null&&c.__h.push(function(){c.componentDidUpdate(_,y,k)})}if(c.context=U,c.props=w,c.__P=e,c.__e=!1,R=S.__r,B=0,N)c.state=c.__s,c.__d=!1,R&&R(t),u=c.render(c.props,c.state,c.context),fe.push.apply(c.__h,c._sb),c._sb=[];else do c.__d=!1,R&&R(t),u=c.render(c.props,c.state,c.context),c.state=c.__s;while(c.__d&&++B<25);c.state=c.__s,c.getChildContext!=null&&(a=G(G({},a),c.getChildContext())),N&&!$&&c.getSnapshotBeforeUpdate!=null&&(k=c.getSnapshotBeforeUpdate(_,y)),F=u!=null&&u.type===ve&&u.key==null?ct(u.props.children):u,l=st(e,_e(F)?F:[F],t,n,a,i,o,s,l,p,d),c.base=t.__e,t.__u&=-161,c.__h.length&&s.push(c),T&&(c.__E=c.__=null)}catch(ee){if(s.length=g,t.__v=null,p||o!=null){if(ee.then){for(t.__u|=p?160:128;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;o!=null&&(o[o.indexOf(l)]=null),t.__e=l}else if(o!=null)for(W=o.length;W--;)Ve(o[W])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),ee.then||lt(t),S.__e(ee,t,n)}}else o==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):l=t.__e=cn(n.__e,t,n,a,i,o,s,p,d);return(u=S.diffed)&&u(t),128&t.__u?void 0:l}function lt(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(lt))}function dt(e,t,n){for(var a=0;a<n.length;a++)Be(n[a],n[++a],n[++a]);S.__c&&S.__c(t,e),e.some(function(i){try{e=i.__h,i.__h=[],e.some(function(o){o.call(i)})}catch(o){S.__e(o,i.__v)}})}function ct(e){return typeof e!="object"||e==null||e.__b>0?e:_e(e)?e.map(ct):e.constructor!==void 0?null:G({},e)}function cn(e,t,n,a,i,o,s,l,p){var d,u,g,c,$,_,y,k=n.props||$e,T=t.props,w=t.type;if(w=="svg"?i="http://www.w3.org/2000/svg":w=="math"?i="http://www.w3.org/1998/Math/MathML":i||(i="http://www.w3.org/1999/xhtml"),o!=null){for(d=0;d<o.length;d++)if(($=o[d])&&"setAttribute"in $==!!w&&(w?$.localName==w:$.nodeType==3)){e=$,o[d]=null;break}}if(e==null){if(w==null)return document.createTextNode(T);e=document.createElementNS(i,w,T.is&&T),l&&(S.__m&&S.__m(t,o),l=!1),o=null}if(w==null)k===T||l&&e.data==T||(e.data=T);else{if(o=w=="textarea"&&T.defaultValue!=null?null:o&&he.call(e.childNodes),!l&&o!=null)for(k={},d=0;d<e.attributes.length;d++)k[($=e.attributes[d]).name]=$.value;for(d in k)$=k[d],d=="dangerouslySetInnerHTML"?g=$:d=="children"||d in T||d=="value"&&"defaultValue"in T||d=="checked"&&"defaultChecked"in T||de(e,d,null,$,i);for(d in T)$=T[d],d=="children"?c=$:d=="dangerouslySetInnerHTML"?u=$:d=="value"?_=$:d=="checked"?y=$:l&&typeof $!="function"||k[d]===$||de(e,d,$,k[d],i);if(u)l||g&&(u.__html==g.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[];else if(g&&(e.innerHTML=""),st(t.type=="template"?e.content:e,_e(c)?c:[c],t,n,a,w=="foreignObject"?"http://www.w3.org/1999/xhtml":i,o,s,o?o[0]:n.__k&&X(n,0),l,p),o!=null)for(d=o.length;d--;)Ve(o[d]);l&&w!="textarea"||(d="value",w=="progress"&&_==null?e.removeAttribute("value"):_!=null&&(_!==e[d]||w=="progress"&&!_||w=="option"&&_!=k[d])&&de(e,d,_,k[d],i),d="checked",y!=null&&y!=e[d]&&de(e,d,y,k[d],i))}return e}function Be(e,t,n){try{if(typeof e=="function"){var a=typeof e.__u=="function";a&&e.__u(),a&&t==null||(e.__u=e(t))}else e.current=t}catch(i){S.__e(i,n)}}function ut(e,t,n){var a,i;if(S.unmount&&S.unmount(e),(a=e.ref)&&(a.current&&a.current!=e.__e||Be(a,null,t)),(a=e.__c)!=null){if(a.componentWillUnmount)try{a.componentWillUnmount()}catch(o){S.__e(o,t)}a.base=a.__P=a.__n=null}if(a=e.__k)for(i=0;i<a.length;i++)a[i]&&ut(a[i],t,n||typeof e.type!="function");n||Ve(e.__e),e.__c=e.__=e.__e=void 0}function un(e,t,n){return this.constructor(e,n)}function pt(e,t,n){var a,i,o,s;t==document&&(t=document.documentElement),S.__&&S.__(e,t),i=(a=typeof n=="function")?null:n&&n.__k||t.__k,o=[],s=[],Ne(t,e=(!a&&n||t).__k=Fe(ve,null,[e]),i||$e,$e,t.namespaceURI,!a&&n?[n]:i?null:t.firstChild?he.call(t.childNodes):null,o,!a&&n?n:i?i.__e:t.firstChild,a,s),dt(o,e,s),e.props.children=null}function $t(e){function t(n){var a,i;return this.getChildContext||(a=new Set,(i={})[t.__c]=this,this.getChildContext=function(){return i},this.componentWillUnmount=function(){a=null},this.shouldComponentUpdate=function(o){this.props.value!=o.value&&a.forEach(function(s){s.__e=!0,Re(s)})},this.sub=function(o){a.add(o);var s=o.componentWillUnmount;o.componentWillUnmount=function(){a&&a.delete(o),s&&s.call(o)}}),n.children}return t.__c="__cC"+ot++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,a){return n.children(a)}).contextType=t,t}he=fe.slice,S={__e:function(e,t,n,a){for(var i,o,s;t=t.__;)if((i=t.__c)&&!i.__)try{if((o=i.constructor)&&o.getDerivedStateFromError!=null&&(i.setState(o.getDerivedStateFromError(e)),s=i.__d),i.componentDidCatch!=null&&(i.componentDidCatch(e,a||{}),s=i.__d),s)return i.__E=i}catch(l){e=l}throw e}},et=0,on=function(e){return e!=null&&e.constructor===void 0},pe.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=G({},this.state),typeof e=="function"&&(e=e(G({},n),this.props)),e&&G(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),Re(this))},pe.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),Re(this))},pe.prototype.render=ve,q=[],tt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,nt=function(e,t){return e.__v.__b-t.__v.__b},me.__r=0,Ce=Math.random().toString(8),ce="__d"+Ce,re="__a"+Ce,at=/(PointerCapture)$|Capture$/i,je=0,Le=Qe(!1),Ae=Qe(!0),ot=0;var mt=function(e,t,n,a){var i;t[0]=0;for(var o=1;o<t.length;o++){var s=t[o++],l=t[o]?(t[0]|=s?1:2,n[t[o++]]):t[++o];s===3?a[0]=l:s===4?a[1]=Object.assign(a[1]||{},l):s===5?(a[1]=a[1]||{})[t[++o]]=l:s===6?a[1][t[++o]]+=l+"":s?(i=e.apply(l,mt(e,l,n,["",null])),a.push(i),l[0]?t[0]|=2:(t[o-2]=0,t[o]=i)):a.push(l)}return a},ft=new Map;function ht(e){var t=ft.get(this);return t||(t=new Map,ft.set(this,t)),(t=mt(this,t.get(e)||(t.set(e,t=function(n){for(var a,i,o=1,s="",l="",p=[0],d=function(c){o===1&&(c||(s=s.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?p.push(0,c,s):o===3&&(c||s)?(p.push(3,c,s),o=2):o===2&&s==="..."&&c?p.push(4,c,0):o===2&&s&&!c?p.push(5,0,!0,s):o>=5&&((s||!c&&o===5)&&(p.push(o,0,s,i),o=6),c&&(p.push(o,c,0,i),o=6)),s=""},u=0;u<n.length;u++){u&&(o===1&&d(),d(u));for(var g=0;g<n[u].length;g++)a=n[u][g],o===1?a==="<"?(d(),p=[p],o=3):s+=a:o===4?s==="--"&&a===">"?(o=1,s=""):s=a+s[0]:l?a===l?l="":s+=a:a==='"'||a==="'"?l=a:a===">"?(d(),o=1):o&&(a==="="?(o=5,i=s,s=""):a==="/"&&(o<5||n[u][g+1]===">")?(d(),o===3&&(p=p[0]),o=p,(p=p[0]).push(2,0,o),o=0):a===" "||a==="	"||a===`
`||a==="\r"?(d(),o=2):s+=a),o===3&&s==="!--"&&(o=4,p=p[0])}return d(),p}(e)),t),arguments,[])).length>1?t:t[0]}var r=ht.bind(Fe);var te,P,He,_t,se=0,St=[],D=S,vt=D.__b,gt=D.__r,yt=D.diffed,bt=D.__c,xt=D.unmount,wt=D.__;function ye(e,t){D.__h&&D.__h(P,e,se||t),se=0;var n=P.__H||(P.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function h(e){return se=1,pn(Ct,e)}function pn(e,t,n){var a=ye(te++,2);if(a.t=e,!a.__c&&(a.__=[n?n(t):Ct(void 0,t),function(l){var p=a.__N?a.__N[0]:a.__[0],d=a.t(p,l);p!==d&&(a.__N=[d,a.__[1]],a.__c.setState({}))}],a.__c=P,!P.__f)){var i=function(l,p,d){if(!a.__c.__H)return!0;var u=!1,g=a.__c.props!==l;if(a.__c.__H.__.some(function($){if($.__N){u=!0;var _=$.__[0];$.__=$.__N,$.__N=void 0,_!==$.__[0]&&(g=!0)}}),o){var c=o.call(this,l,p,d);return u?c||g:c}return!u||g};P.__f=!0;var o=P.shouldComponentUpdate,s=P.componentWillUpdate;P.componentWillUpdate=function(l,p,d){if(this.__e){var u=o;o=void 0,i(l,p,d),o=u}s&&s.call(this,l,p,d)},P.shouldComponentUpdate=i}return a.__N||a.__}function z(e,t){var n=ye(te++,3);!D.__s&&Dt(n.__H,t)&&(n.__=e,n.u=t,P.__H.__h.push(n))}function be(e){return se=5,Et(function(){return{current:e}},[])}function Et(e,t){var n=ye(te++,7);return Dt(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function Tt(e,t){return se=8,Et(function(){return e},t)}function Pt(e){var t=P.context[e.__c],n=ye(te++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(P)),t.props.value):e.__}function $n(){for(var e;e=St.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(ge),t.__h.some(Oe),t.__h=[]}catch(n){t.__h=[],D.__e(n,e.__v)}}}D.__b=function(e){P=null,vt&&vt(e)},D.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),wt&&wt(e,t)},D.__r=function(e){gt&&gt(e),te=0;var t=(P=e.__c).__H;t&&(He===P?(t.__h=[],P.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(ge),t.__h.some(Oe),t.__h=[],te=0)),He=P},D.diffed=function(e){yt&&yt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(St.push(t)!==1&&_t===D.requestAnimationFrame||((_t=D.requestAnimationFrame)||fn)($n)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),He=P=null},D.__c=function(e,t){t.some(function(n){try{n.__h.some(ge),n.__h=n.__h.filter(function(a){return!a.__||Oe(a)})}catch(a){t.some(function(i){i.__h&&(i.__h=[])}),t=[],D.__e(a,n.__v)}}),bt&&bt(e,t)},D.unmount=function(e){xt&&xt(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(a){try{ge(a)}catch(i){t=i}}),n.__H=void 0,t&&D.__e(t,n.__v))};var kt=typeof requestAnimationFrame=="function";function fn(e){var t,n=function(){clearTimeout(a),kt&&cancelAnimationFrame(t),setTimeout(e)},a=setTimeout(n,35);kt&&(t=requestAnimationFrame(n))}function ge(e){var t=P,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),P=t}function Oe(e){var t=P;e.__c=e.__(),P=t}function Dt(e,t){return!e||e.length!==t.length||t.some(function(n,a){return n!==e[a]})}function Ct(e,t){return typeof t=="function"?t(e):t}var Z=class extends Error{constructor(t,n){let a=n&&n.error||{};super(a.message||`HTTP ${t}`),this.status=t,this.code=a.code||`HTTP_${t}`,this.detail=a.detail||{},this.field=typeof this.detail.field=="string"?this.detail.field:null}};function Lt(e,t,n){return new Z(400,{error:{code:e,message:`${t}: ${n}`,detail:{field:t}}})}async function v(e,t,n,a={}){let i={"X-Requested-With":"switchyard-ui",Accept:"application/json"};n!==void 0&&(i["Content-Type"]="application/json"),a.ifMatch!==void 0&&a.ifMatch!==null&&(i["If-Match"]=`"${a.ifMatch}"`);let o;try{o=await fetch(t,{method:e,headers:i,credentials:"same-origin",body:n===void 0?void 0:JSON.stringify(n)})}catch(p){throw new Z(0,{error:{code:"NETWORK",message:`the agent did not answer: ${p.message}`}})}let l=(o.headers.get("content-type")||"").includes("json")?await o.json().catch(()=>null):await o.text();if(o.status===401&&e==="GET"&&location.assign("/login?m=expired"),!o.ok)throw new Z(o.status,l&&typeof l=="object"?l:{error:{code:`HTTP_${o.status}`,message:String(l||o.statusText)}});return l}var b=encodeURIComponent;var ne=[];function j(e){if(!e.path?.startsWith("/")||!e.title||typeof e.component!="function")throw new Error(`definePage: need path ("/..."), title and component: ${JSON.stringify(e)}`);if(ne.some(t=>t.path===e.path))throw new Error(`definePage: ${e.path} is defined twice`);return ne.push({nav:!0,...e}),e}function Me(e){let t=null;for(let n of ne){let a=n.path.split("/").filter(Boolean);a.length>e.length||!a.every((i,o)=>i===e[o])||a.length===0&&e.length>0||(!t||a.length>t.depth)&&(t={page:n,depth:a.length})}return t&&{page:t.page,rest:e.slice(t.depth)}}function E(e,t){let[n,a]=h({data:null,error:null,loading:!0}),i=be(0),o=Tt(async()=>{let s=++i.current;a(l=>({...l,loading:!0}));try{let l=await e();s===i.current&&a({data:l,error:null,loading:!1})}catch(l){s===i.current&&a(p=>({...p,error:l,loading:!1}))}},t);return z(()=>{o()},[o]),{...n,reload:o}}function m(e){let{onClick:t,busy:n,busyText:a,children:i,type:o="button",class:s,disabled:l,...p}=e,[d,u]=h(!1),g=be(!0);z(()=>()=>g.current=!1,[]);let c=n||d;async function $(_){if(t){u(!0);try{await t(_)}finally{g.current&&u(!1)}}}return r`
    <button
      type=${o}
      class=${s}
      ...${p}
      disabled=${c||l}
      aria-busy=${c?"true":void 0}
      onClick=${t?$:void 0}
    >
      ${c&&r`<span class="spinner" aria-hidden="true"></span>`}
      ${c&&a?a:i}
    </button>
  `}function mn(e){let t=e.detail||{};return typeof t.nginx_output=="string"?t.nginx_output:(t.outcome?.refused||[]).map(a=>a.nginx_output).filter(Boolean).join(`
`)||null}function x({error:e,title:t}){if(!e)return null;let n=mn(e);return r`
    <div class="error" role="alert" data-error-code=${e.code}>
      ${t&&r`<strong>${t}: </strong>`}
      <span class="code">${e.code}</span>
      <span class="message">${e.message}</span>
      ${e.field&&r`<div class="hint">Field: <code>${e.field}</code></div>`}
      ${e.code==="PRECONDITION_FAILED"&&r`
        <div class="hint">Someone changed this record meanwhile: reload it to see their version
          (your input here is kept until you leave the page).</div>
      `}
      ${e.status===401&&r`
        <div class="hint">Your session ended. <a href="/login" target="_blank" rel="noopener">Log in
          again in a new tab</a>, then save again: your input here is kept.</div>
      `}
      ${n&&r`<pre>${n}</pre>`}
    </div>
  `}var hn={applied:"ok",unchanged:"ok",pending:"warn",dry_run:"warn",failed:"bad",refused:"bad",reverted:"bad"};function Q({status:e}){return r`<span class=${`badge ${hn[e]||""}`}>${e}</span>`}function xe({outcome:e}){if(!e)return r`<p class="muted">No apply since the agent started.</p>`;let t=e.refused||[];return r`
    <dl class="facts">
      <dt>Status</dt><dd><${Q} status=${e.status} /></dd>
      ${e.generation!=null&&r`
        <dt>Generation</dt>
        <dd>${e.generation}</dd>
      `}
      ${e.at&&r`
        <dt>At</dt>
        <dd>${new Date(e.at).toLocaleString()}</dd>
      `}
      ${e.duration_ms!=null&&r`
        <dt>Took</dt>
        <dd>${e.duration_ms} ms</dd>
      `}
      ${e.reloaded!=null&&r`
        <dt>Reloaded</dt>
        <dd>${e.reloaded?"yes":"no"}</dd>
      `}
      ${e.applied?.length>0&&r`
        <dt>Applied</dt>
        <dd>${e.applied.join(", ")}</dd>
      `}
    </dl>
    ${e.error&&r`
      <div class="error"><span class="code">${e.error.code}</span>${e.error.message}
        ${e.error.nginx_output&&r`<pre>${e.error.nginx_output}</pre>`}
      </div>
    `}
    ${t.map(n=>r`
        <div class="error" data-refused=${n.id}>
          <strong>Refused ${n.id}: </strong><span class="code">${n.code}</span>${n.message}
          ${n.nginx_output&&r`<pre>${n.nginx_output}</pre>`}
        </div>
      `)}
    ${(e.warnings||[]).map(n=>r`<div class="warning">${n}</div>`)}
  `}var _n=new Set(["generation","config_hash","apply_mode","pending","pending_count","nginx","last_apply","warnings"]);async function vn(){let[e,t,n,a]=await Promise.all([v("GET","/api/health"),v("GET","/api/config/status"),v("GET","/api/pools"),v("GET","/api/sites")]);return{health:e,status:t,pools:n.pools.length,sites:a.sites.length}}function gn({nginx:e}){return r`
    <dl class="facts">
      <dt>Running</dt>
      <dd>${e.running?r`<span class="badge ok">running</span> pid ${e.pid}`:r`<span class="badge bad">${e.installed?"not running":"not installed (dry run)"}</span>`}</dd>
      <dt>Version</dt>
      <dd>${e.version||"unknown"}</dd>
      <dt>Last reload</dt>
      <dd>${e.last_reload_at?new Date(e.last_reload_at).toLocaleString():"none yet"}</dd>
      <dt>Reloads</dt>
      <dd>${e.reloads}</dd>
    </dl>
  `}function yn({status:e,onApplied:t}){let[n,a]=h(null),[i,o]=h(null),s=e.apply_mode==="manual"||e.pending_count>0;async function l(){a(null),o(null);try{o(await v("POST","/api/config/apply"))}catch(p){a(p)}t()}return r`
    <p>
      Apply mode <strong>${e.apply_mode}</strong>:
      ${e.pending_count===0?" nothing pending.":` ${e.pending_count} change${e.pending_count===1?"":"s"} not yet served.`}
    </p>
    ${e.pending.length>0&&r`
      <ul class="pending">
        ${e.pending.map(p=>r`<li><code>${p.id}</code> <span class="badge">${p.action}</span></li>`)}
      </ul>
    `}
    ${s&&r`
      <${m} class="primary" onClick=${l} busyText="Applying…">Apply now</${m}>
    `}
    <${x} error=${n} title="Apply failed" />
    ${i&&r`<div class="success" role="status">Apply finished: ${i.status}${i.generation!=null?`, generation ${i.generation}`:""}.</div>`}
  `}function bn(){let{data:e,error:t,loading:n,reload:a}=E(vn,[]),i=e?Object.entries(e.status).filter(([o])=>!_n.has(o)):[];return r`
    <div class="page-head">
      <h1>Dashboard</h1>
      <${m} onClick=${a} busy=${n} busyText="Refreshing…">Refresh</${m}>
    </div>
    <${x} error=${t} />
    ${e&&r`
      ${e.status.warnings.map(o=>r`<div class="warning" role="status">${o}</div>`)}
      <div class="grid">
        <section class="panel" aria-labelledby="dash-agent">
          <h2 id="dash-agent">Agent</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd><span class=${`badge ${e.health.status==="ok"?"ok":"bad"}`}>${e.health.status}</span></dd>
            <dt>Version</dt>
            <dd>${e.health.version}${e.health.dev?" (dev mode)":""}</dd>
            <dt>Up</dt>
            <dd>${Math.round(e.health.uptime_s/60)} min</dd>
            <dt>Pools</dt>
            <dd><a href="#/pools">${e.pools}</a></dd>
            <dt>Sites</dt>
            <dd><a href="#/sites">${e.sites}</a></dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="dash-nginx">
          <h2 id="dash-nginx">nginx</h2>
          <${gn} nginx=${e.status.nginx} />
        </section>
        <section class="panel" aria-labelledby="dash-gen">
          <h2 id="dash-gen">Configuration</h2>
          <dl class="facts">
            <dt>Generation</dt>
            <dd>${e.status.generation??"none yet"}</dd>
            <dt>Hash</dt>
            <dd class="mono">${(e.status.config_hash||"\u2013").slice(0,16)}</dd>
          </dl>
          <${yn} status=${e.status} onApplied=${a} />
        </section>
      </div>
      <section class="panel" aria-labelledby="dash-last">
        <h2 id="dash-last">Last apply</h2>
        <${xe} outcome=${e.status.last_apply} />
      </section>
      ${i.map(([o,s])=>r`
          <section class="panel">
            <details>
              <summary><strong>${o}</strong></summary>
              <pre>${JSON.stringify(s,null,2)}</pre>
            </details>
          </section>
        `)}
    `}
  `}j({path:"/",title:"Dashboard",component:bn});var L=$t(null);function At(e,t){return!e||!t?!1:e===t||e.startsWith(t+".")||e.startsWith(t+"[")}function Ie(e){let t=Pt(L);return t&&At(t.field,e)?t:null}function we(e){return"f-"+e.replace(/[^A-Za-z0-9_-]/g,"_")}function Ue(e){e?.field&&setTimeout(()=>{let t=[...document.querySelectorAll("input, select, textarea")].filter(n=>At(e.field,n.dataset.field)).sort((n,a)=>a.dataset.field.length-n.dataset.field.length)[0];t?.focus(),t?.scrollIntoView?.({block:"center"})},0)}function Rt(e,t){return t?{"aria-invalid":"true","aria-describedby":`${we(e)}-err`}:{"aria-invalid":void 0}}function xn(e){let t=`${e.field}: `;return e.message.startsWith(t)?e.message.slice(t.length):e.message}function jt({field:e,err:t,hint:n}){return r`
    ${t&&r`<p class="field-error" id=${`${we(e)}-err`}>${xn(t)}</p>`}
    ${n&&!t&&r`<p class="hint">${n}</p>`}
  `}function f(e){let{field:t,label:n,hint:a,hideLabel:i,as:o="input",value:s,onValue:l,children:p,grow:d,...u}=e,g=Ie(t),c=we(t),$={id:c,name:t,"data-field":t,...Rt(t,g),...u},_=k=>l(k.currentTarget.value),y;return o==="textarea"?y=r`<textarea ...${$} value=${s??""} onInput=${_}></textarea>`:o==="select"?y=r`<select ...${$} value=${s??""} onChange=${_}>${p}</select>`:y=r`<input ...${$} value=${s??""} onInput=${_} />`,r`
    <div class=${`field${d?" grow":""}`}>
      <label for=${c} class=${i?"sr-only":void 0}>${n}</label>
      ${y}
      <${jt} field=${t} err=${g} hint=${a} />
    </div>
  `}function H(e){let{onValue:t,...n}=e;return r`
    <${f}
      ...${n}
      type="number"
      inputmode="numeric"
      onValue=${a=>t(a===""?void 0:Number(a))}
    />
  `}function C({field:e,label:t,checked:n,onValue:a,hint:i}){let o=Ie(e),s=we(e);return r`
    <div class="field">
      <label class="check" for=${s}>
        <input
          type="checkbox"
          id=${s}
          name=${e}
          data-field=${e}
          checked=${!!n}
          onChange=${l=>a(l.currentTarget.checked)}
          ...${Rt(e,o)}
        />
        ${t}
      </label>
      <${jt} field=${e} err=${o} hint=${i} />
    </div>
  `}function J(e){return!!Ie(e)}function ke(e){let{version:t,created_at:n,updated_at:a,managed_by:i,apply:o,...s}=e;return s}var Ge=null;function O(e){Ge=e}function M(e,t){let[n,a]=h(()=>{let s=Ge;return Ge=null,{busy:!1,error:null,saved:s}});async function i(s,l,p){a({busy:!0,error:null,saved:null});try{let d=await v("PUT",`/api/${t}/${b(s)}`,l,{ifMatch:p??0});return a({busy:!1,error:null,saved:d}),d}catch(d){let u=d;return d.code==="PRECONDITION_FAILED"&&!p&&(u=new Z(409,{error:{code:"CONFLICT",message:`name: a ${e} named "${s}" already exists; open it from the list to edit it`,detail:{field:"name"}}})),a({busy:!1,error:u,saved:null}),Ue(u),null}}return{...n,save:i,setError:s=>{a({busy:!1,error:s,saved:null}),Ue(s)}}}var wn={applied:"nginx serves it now",unchanged:"nothing to apply",pending:"waiting for Apply (manual mode)",dry_run:"written, nginx commands ran in dry-run",failed:"the apply failed"};function I({rec:e}){if(!e)return null;let t=e.apply?.status??"unchanged";return r`
    <div class="success" role="status">
      Saved version ${e.version}. Apply: <${Q} status=${t} /> ${wn[t]||""}${e.apply?.generation!=null?` (generation ${e.apply.generation})`:""}.
    </div>
  `}function Se({kind:e,name:t}){let[n,a]=h(null),[i,o]=h(null);async function s(){o(null);try{a(await v("GET",`/api/config/preview/${e}s/${b(t)}`))}catch(l){a(null),o(l)}}return r`
    <section class="panel" aria-label="nginx preview">
      <div class="row">
        <${m} onClick=${s} busyText="Rendering…">${n===null?"Preview":"Refresh preview"}</${m}>
        <span class="hint">The nginx file the saved ${e} renders to (pending changes included).</span>
      </div>
      <${x} error=${i} />
      ${n!==null&&r`<pre data-preview=${t}>${n}</pre>`}
    </section>
  `}function Vt(e){let t=e.replace(/^#/,"")||"/",[n,a=""]=t.split("?"),i=Object.fromEntries(new URLSearchParams(a)),o=n.split("/").filter(Boolean).map(decodeURIComponent);return{path:"/"+o.map(encodeURIComponent).join("/"),segments:o,query:i}}function Ft(){let[e,t]=h(()=>Vt(location.hash));return z(()=>{let n=()=>t(Vt(location.hash));return addEventListener("hashchange",n),()=>removeEventListener("hashchange",n)},[]),e}function ae(e,t){let n=t?new URLSearchParams(Object.entries(t).filter(([,a])=>a!==void 0&&a!=="")).toString():"";return`#${e}${n?`?${n}`:""}`}function A(e,t){location.hash=ae(e,t)}var kn=["round_robin","least_conn","ip_hash","hash"],Sn={name:"",description:"",lb_method:"round_robin",keepalive:32,members:[]},En={address:"",weight:1,backup:!1,down:!1};function Tn({m:e,i:t,set:n,remove:a}){let i=`members[${t}]`,o=J(i),s=l=>p=>n({...e,[l]:p});return r`
    <tr class=${o?"invalid":""} data-member=${t}>
      <td>
        <${f} field=${`${i}.address`} label=${`Member ${t+1} address`} hideLabel
          value=${e.address} onValue=${s("address")} placeholder="127.0.0.1:9000" />
      </td>
      <td>
        <${H} field=${`${i}.weight`} label=${`Member ${t+1} weight`} hideLabel
          value=${e.weight} onValue=${s("weight")} min="1" max="1000" />
      </td>
      <td>
        <${H} field=${`${i}.max_fails`} label=${`Member ${t+1} max fails`} hideLabel
          value=${e.max_fails} onValue=${s("max_fails")} min="0" placeholder="1" />
      </td>
      <td>
        <${f} field=${`${i}.fail_timeout`} label=${`Member ${t+1} fail timeout`} hideLabel
          value=${e.fail_timeout} onValue=${l=>s("fail_timeout")(l||void 0)} placeholder="10s" />
      </td>
      <td>
        <${C} field=${`${i}.backup`} label="backup" checked=${e.backup} onValue=${s("backup")} />
      </td>
      <td>
        <${C} field=${`${i}.down`} label="down" checked=${e.down} onValue=${s("down")} />
      </td>
      <td><button type="button" class="link" onClick=${a}
        aria-label=${`Remove member ${t+1}`}>Remove</button></td>
    </tr>
  `}function Pn({members:e,onValue:t}){let n=a=>i=>t(e.map((o,s)=>s===a?i:o));return r`
    <fieldset>
      <legend>Members</legend>
      ${e.length===0&&r`<p class="muted">No members: requests get 502 until you add one.</p>`}
      ${e.length>0&&r`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Weight</th>
                <th>Max fails</th>
                <th>Fail timeout</th>
                <th>Backup</th>
                <th>Down</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((a,i)=>r`
                <${Tn} key=${i} m=${a} i=${i} set=${n(i)}
                  remove=${()=>t(e.filter((o,s)=>s!==i))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>t([...e,{...En}])}>Add member</button>
      <p class="hint">Address: <code>host:port</code>, <code>[v6]:port</code> or <code>unix:/path</code>.</p>
    </fieldset>
  `}function Dn({initial:e,isNew:t}){let[n,a]=h(e),{busy:i,error:o,saved:s,save:l}=M("pool","pools"),[p,d]=h(null),u=$=>_=>a(y=>({...y,[$]:_}));async function g($){$.preventDefault();let _=ke(n);_.lb_method!=="hash"&&(delete _.hash_key,delete _.hash_consistent);let y=await l(n.name,_,t?0:n.version);y&&(a(y),t&&(O(y),A(`/pools/edit/${b(y.name)}`)))}async function c(){if(confirm(`Delete pool "${n.name}"?`)){d(null);try{await v("DELETE",`/api/pools/${b(n.name)}`),A("/pools")}catch($){d($)}}}return r`
    <${L.Provider} value=${o}>
      <form onSubmit=${g} novalidate aria-label="Pool">
        <${x} error=${o} title="Not saved" />
        <${I} rec=${s} />
        ${n.managed_by&&r`<div class="warning">
          Managed by ${n.managed_by.kind} "${n.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${n.name} onValue=${u("name")}
              disabled=${!t} placeholder="web" hint=${t?"Lower case letters, digits, '-'":void 0} />
            <${f} field="lb_method" label="Load balancing" as="select" value=${n.lb_method}
              onValue=${u("lb_method")}>${kn.map($=>r`<option value=${$}>${$}</option>`)}</${f}>
            <${H} field="keepalive" label="Keepalive connections" value=${n.keepalive}
              onValue=${u("keepalive")} min="0" />
          </div>
          ${n.lb_method==="hash"&&r`
            <div class="row">
              <${f} field="hash_key" label="Hash key" value=${n.hash_key}
                onValue=${$=>u("hash_key")($||void 0)} placeholder="$request_uri" grow />
              <${C} field="hash_consistent" label="consistent (ketama)"
                checked=${n.hash_consistent} onValue=${u("hash_consistent")} />
            </div>
          `}
          <${f} field="description" label="Description" value=${n.description}
            onValue=${u("description")} />
        </div>
        <${Pn} members=${n.members} onValue=${u("members")} />
        <div class="actions">
          <${m} type="submit" class="primary" busy=${i} busyText="Saving and applying…">Save</${m}>
          ${o&&r`<span class="field-error">Not saved: ${o.code} (see above)</span>`}
          ${!t&&r`<${m} class="danger" onClick=${c} busyText="Deleting…">Delete pool</${m}>`}
          <a href="#/pools">Back to pools</a>
        </div>
        <${x} error=${p} title="Delete refused" />
      </form>
    </${L.Provider}>
    ${!t&&r`<${Se} kind="pool" name=${n.name} />`}
  `}function We({name:e}){let{data:t,error:n}=E(()=>e?v("GET",`/api/pools/${b(e)}`):Promise.resolve(Sn),[e]);return r`
    <div class="page-head">
      <h1>${e?`Pool ${e}`:"New pool"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&r`<${Dn} initial=${t} isNew=${!e} />`}
  `}function Cn(e){let t={};for(let n of e){let a=[n.default_pool,...n.routes.map(i=>i.pool)].filter(Boolean);for(let i of new Set(a))(t[i]||=[]).push(n.name)}return t}function Ln(){let{data:e,error:t,reload:n}=E(async()=>{let[s,l]=await Promise.all([v("GET","/api/pools"),v("GET","/api/sites")]);return{pools:s.pools,used:Cn(l.sites)}},[]),[a,i]=h(null);async function o(s){if(confirm(`Delete pool "${s}"?`)){i(null);try{await v("DELETE",`/api/pools/${b(s)}`)}catch(l){i(l)}await n()}}return r`
    <div class="page-head">
      <h1>Pools</h1>
      <a class="button primary" href="#/pools/new">New pool</a>
    </div>
    <${x} error=${t} />
    <${x} error=${a} title="Delete refused" />
    ${e&&r`
      <div class="panel table-wrap">
        ${e.pools.length===0?r`<p class="muted">No pools yet. A pool is a set of backend servers (an nginx upstream).</p>`:r`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Members</th>
                  <th>Method</th>
                  <th class="num">Keepalive</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${e.pools.map(s=>r`
                    <tr data-pool=${s.name}>
                      <td><a href=${`#/pools/edit/${b(s.name)}`}>${s.name}</a>
                        ${s.managed_by&&r`
                          <span class="badge">managed by ${s.managed_by.kind}</span>
                        `}
                        ${s.description&&r`<div class="hint">${s.description}</div>`}</td>
                      <td>${s.members.length===0?r`<span class="muted">none</span>`:s.members.map(l=>r`
                            <div><code>${l.address}</code>${l.weight!==1?` \xD7${l.weight}`:""}
                              ${l.backup&&r`
                                <span class="badge">backup</span>
                              `}
                              ${l.down&&r`
                                <span class="badge bad">down</span>
                              `}</div>
                          `)}</td>
                      <td>${s.lb_method}</td>
                      <td class="num">${s.keepalive}</td>
                      <td>${(e.used[s.name]||[]).map(l=>r`
                          <a href=${`#/sites/edit/${b(l)}`}>${l}</a>
                        `)}</td>
                      <td>
                        <${m} class="danger" onClick=${()=>o(s.name)} busyText="Deleting…"
                          aria-label=${`Delete pool ${s.name}`}>Delete</${m}></td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
      </div>
    `}
  `}function An({route:e}){let[t,n]=e.rest;return t==="new"?r`<${We} key="new" name=${null} />`:t==="edit"&&n?r`<${We} key=${n} name=${n} />`:r`<${Ln} />`}j({path:"/pools",title:"Pools",component:An});function Nt(e){return e.split(/[\s,]+/).filter(Boolean)}function K({value:e,onValue:t,...n}){let a=e??[],[i,o]=h(a.join(`
`)),s=Nt(i).join(`
`)===a.join(`
`)?i:a.join(`
`);return r`
    <${f}
      as="textarea"
      rows="3"
      ...${n}
      value=${s}
      onValue=${l=>{o(l),t(Nt(l))}}
    />
  `}var qe=["pool","upstream","redirect","static"],Rn=[301,302,303,307,308];function Ee(e){return qe.find(t=>e[t]!==void 0)||"pool"}function jn(e,t){let n={...e};for(let a of qe)delete n[a];return n[t]=t==="redirect"?{url:"",code:301}:t==="static"?{root:""}:"",t==="redirect"&&(n.websocket=!1),n}function Vn(){return{name:"",path:"/",match:"prefix",pool:"",websocket:!1,strip_prefix:!1}}function Bt(e,t){let n=(e||"").toLowerCase().replace(/[^a-z0-9]+/g,"-").replace(/^-+|-+$/g,"").slice(0,56)||"root",a=n;for(let i=2;t.has(a);i++)a=`${n}-${i}`;return a}function Fn({r:e,at:t,label:n,pools:a,set:i}){let o=Ee(e);return o==="pool"?r`
      <${f} as="select" field=${`${t}.pool`} label=${`${n} pool`} hideLabel
        value=${e.pool} onValue=${s=>i({...e,pool:s})}>
            <option value="">— choose a pool —</option>
            ${a.map(s=>r`<option value=${s}>${s}</option>`)}
            ${e.pool&&!a.includes(e.pool)&&r`<option value=${e.pool}>${e.pool} (missing)</option>`}
          </${f}>
    `:o==="upstream"?r`
      <${f} field=${`${t}.upstream`} label=${`${n} upstream URL`} hideLabel
        value=${e.upstream} onValue=${s=>i({...e,upstream:s})} placeholder="http://127.0.0.1:9000" />
    `:o==="redirect"?r`
      <div class="row">
        <${f} field=${`${t}.redirect.url`} label=${`${n} redirect URL`} hideLabel grow
          value=${e.redirect.url} onValue=${s=>i({...e,redirect:{...e.redirect,url:s}})}
          placeholder="https://example.com$request_uri" />
        <${f} as="select" field=${`${t}.redirect.code`} label=${`${n} redirect code`} hideLabel
          value=${String(e.redirect.code??301)}
          onValue=${s=>i({...e,redirect:{...e.redirect,code:Number(s)}})}>
              ${Rn.map(s=>r`<option value=${String(s)}>${s}</option>`)}
            </${f}>
          </div>
    `:r`
    <${f} field=${`${t}.static.root`} label=${`${n} static root`} hideLabel
      value=${e.static.root} onValue=${s=>i({...e,static:{...e.static,root:s}})}
      placeholder="/srv/www" />
  `}function Nn({r:e,at:t,label:n,set:a}){let i=o=>s=>a({...e,[o]:s===""?void 0:s});return r`
    <div class="row">
      <${C} field=${`${t}.preserve_host`} label="send the client's Host"
        checked=${e.preserve_host!==!1} onValue=${o=>a({...e,preserve_host:o})} />
      ${["connect_timeout","read_timeout","send_timeout"].map(o=>r`
          <${f} field=${`${t}.${o}`} label=${o.replace("_"," ")} value=${e[o]}
            onValue=${i(o)} placeholder="e.g. 30s" aria-label=${`${n} ${o.replace("_"," ")}`} />
        `)}
    </div>
    ${e.static&&r`
      <div class="row">
        <${K} field=${`${t}.static.index`} label="Index files" value=${e.static.index??["index.html"]}
          onValue=${o=>a({...e,static:{...e.static,index:o}})} rows="1" />
        <${C} field=${`${t}.static.autoindex`} label="directory listing"
          checked=${e.static.autoindex} onValue=${o=>a({...e,static:{...e.static,autoindex:o}})} />
      </div>
    `}
    <${f} as="textarea" field=${`${t}.extra`} label="Extra nginx directives in this location"
      value=${e.extra} onValue=${i("extra")} placeholder="proxy_buffering off;" />
    ${e.ip_rules&&r`<p class="hint">
      This route has its own IP rules (${e.ip_rules.mode} ${e.ip_rules.addresses.join(", ")}): they are kept as they are.
    </p>`}
  `}function Bn({r:e,i:t,pools:n,set:a,remove:i}){let o=`routes[${t}]`,s=`Route ${t+1}`,l=J(o),[p,d]=h(!1),u=Ee(e),g=u==="pool"||u==="upstream";return r`
    <tr class=${l?"invalid":""} data-route=${t}>
      <td>
        <${f} field=${`${o}.name`} label=${`${s} name`} hideLabel value=${e.name}
          onValue=${c=>a({...e,name:c})} placeholder="(from path)" />
      </td>
      <td>
        <${f} field=${`${o}.path`} label=${`${s} path`} hideLabel value=${e.path}
          onValue=${c=>a({...e,path:c})} />
      </td>
      <td>
        <${f} as="select" field=${`${o}.match`} label=${`${s} match`} hideLabel
          value=${e.match??"prefix"} onValue=${c=>a({...e,match:c})}>
        <option value="prefix">prefix</option><option value="exact">exact</option><option value="regex">regex</option>
      </${f}></td>
      <td><label class="sr-only" for=${`tk-${t}`}>${s} target kind</label>
        <select id=${`tk-${t}`} value=${u} onChange=${c=>a(jn(e,c.currentTarget.value))}>
          ${qe.map(c=>r`<option value=${c}>${c}</option>`)}
        </select></td>
      <td class="target"><${Fn} r=${e} at=${o} label=${s} pools=${n} set=${a} /></td>
      <td>${g&&r`
        <${C} field=${`${o}.websocket`} label="WebSocket" checked=${e.websocket}
          onValue=${c=>a({...e,websocket:c})} />
      `}
        ${u!=="redirect"&&r`
          <${C} field=${`${o}.strip_prefix`} label="strip prefix"
            checked=${e.strip_prefix} onValue=${c=>a({...e,strip_prefix:c})} />
        `}</td>
      <td>
        <button type="button" class="link" aria-expanded=${p?"true":"false"}
          onClick=${()=>d(!p)} aria-label=${`${p?"Hide":"More"} options of route ${t+1}`}>${p?"Less":"More"}</button>
        <button type="button" class="link" onClick=${i} aria-label=${`Delete route ${t+1}`}>Delete</button>
      </td>
    </tr>
    ${p&&r`
      <tr class=${l?"invalid":""}>
        <td colspan="7">
          <${Nn} r=${e} at=${o} label=${s} set=${a} />
        </td>
      </tr>
    `}
  `}function Ht({routes:e,pools:t,onValue:n}){let a=i=>o=>n(e.map((s,l)=>l===i?o:s));return r`
    <fieldset>
      <legend>Routes</legend>
      ${e.length===0&&r`<p class="muted">No routes: the default pool (if any) serves <code>/</code>.</p>`}
      ${e.length>0&&r`
        <div class="table-wrap">
          <table class="routes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Path</th>
                <th>Match</th>
                <th>Target</th>
                <th><span class="sr-only">Target value</span></th>
                <th>Options</th>
                <th><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>${e.map((i,o)=>r`
                <${Bn} key=${o} r=${i} i=${o} pools=${t} set=${a(o)}
                  remove=${()=>n(e.filter((s,l)=>l!==o))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>n([...e,Vn()])}>Add route</button>
      <p class="hint">Paths start with <code>/</code>; <code>regex</code> takes a regular expression.
        Strip prefix sends <code>/api/x</code> to the target as <code>/x</code>.</p>
    </fieldset>
  `}function Hn({l:e,i:t,set:n,remove:a}){let i=`listen[${t}]`,o=J(i),s=l=>p=>n({...e,[l]:p});return r`
    <tr class=${o?"invalid":""}>
      <td>
        <${H} field=${`${i}.port`} label=${`Listen ${t+1} port`} hideLabel
          value=${e.port} onValue=${s("port")} min="1" max="65535" />
      </td>
      <td>
        <${f} field=${`${i}.address`} label=${`Listen ${t+1} address`} hideLabel
          value=${e.address} onValue=${l=>s("address")(l||void 0)} placeholder="(all)" />
      </td>
      <td>
        <${C} field=${`${i}.ssl`} label="ssl" checked=${e.ssl} onValue=${s("ssl")} />
      </td>
      <td>
        <${C} field=${`${i}.http2`} label="http2" checked=${e.http2} onValue=${s("http2")} />
      </td>
      <td>
        <${C} field=${`${i}.default_server`} label="default server" checked=${e.default_server}
          onValue=${s("default_server")} />
      </td>
      <td><button type="button" class="link" onClick=${a}
        aria-label=${`Remove listen ${t+1}`}>Remove</button></td>
    </tr>
  `}function Ot({listen:e,onValue:t}){let n=a=>i=>t(e.map((o,s)=>s===a?i:o));return r`
    <fieldset>
      <legend>Listen</legend>
      ${e.length===0?r`<p class="muted">Default ports: the agent's HTTP port, plus HTTPS when TLS is set.</p>`:r`
          <table>
            <thead>
              <tr>
                <th>Port</th>
                <th>Address</th>
                <th>SSL</th>
                <th>HTTP/2</th>
                <th>Default</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((a,i)=>r`
                <${Hn} key=${i} l=${a} i=${i} set=${n(i)}
                  remove=${()=>t(e.filter((o,s)=>s!==i))} />
              `)}</tbody>
          </table>
        `}
      <button type="button" onClick=${()=>t([...e,{port:80,ssl:!1,http2:!1,default_server:!1}])}>Add listen port</button>
    </fieldset>
  `}function Mt(e){let t=e.tls;return t?{mode:t.cert?"managed":"files",certificate:t.certificate??"",key:t.key??"",cert:t.cert??""}:{mode:"",certificate:"",key:"",cert:""}}function It(e){if(e.mode==="files")return{certificate:e.certificate,key:e.key};if(e.mode==="managed")return{cert:e.cert}}function Ut({tls:e,redirect:t,onValue:n,onRedirect:a}){let i=o=>s=>n({...e,[o]:s});return r`
    <fieldset>
      <legend>TLS</legend>
      <div class="row">
        <${f} as="select" field="tls" label="Certificate" value=${e.mode} onValue=${i("mode")}>
          <option value="">none (plain HTTP)</option>
          <option value="files">certificate and key files</option>
          <option value="managed">managed certificate (ACME)</option>
        </${f}>
        ${e.mode==="files"&&r`
          <${f} field="tls.certificate" label="Certificate file" value=${e.certificate}
            onValue=${i("certificate")} placeholder="/etc/ssl/site.pem" grow />
          <${f} field="tls.key" label="Key file" value=${e.key} onValue=${i("key")}
            placeholder="/etc/ssl/site.key" grow />
        `}
        ${e.mode==="managed"&&r`
          <${f} field="tls.cert" label="Managed certificate name" value=${e.cert}
            onValue=${i("cert")} grow />
        `}
      </div>
      ${e.mode&&r`
        <${C} field="redirect_http" label="Redirect plain HTTP to HTTPS"
          checked=${t} onValue=${a} />
      `}
    </fieldset>
  `}var On=[["top","top (after the IP rules)"],["ssl","ssl (after the certificate)"],["proxy","proxy (before the locations)"],["end","end (before the closing brace)"]];function Gt({ip:e,onValue:t}){return r`
    <fieldset>
      <legend>IP rules</legend>
      <div class="row">
        <${f} as="select" field="ip_rules.mode" label="Mode" value=${e.mode}
          onValue=${n=>t({...e,mode:n})}>
          <option value="">none: every client</option>
          <option value="allow">allow only these</option>
          <option value="deny">deny these</option>
        </${f}>
        ${e.mode&&r`
          <${K} field="ip_rules.addresses" label="Addresses and CIDRs"
            value=${e.addresses} onValue=${n=>t({...e,addresses:n})} grow
            hint="One per line, e.g. 10.0.0.0/8" />
        `}
      </div>
    </fieldset>
  `}function Mn({h:e,i:t,set:n,remove:a}){let i=J(`response_headers.${e[0]}`);return r`
    <tr class=${i?"invalid":""}>
      <td>
        <${f} field=${`response_headers.${e[0]}`} label=${`Header ${t+1} name`} hideLabel
          value=${e[0]} onValue=${o=>n([o,e[1]])} placeholder="X-Frame-Options" />
      </td>
      <td>
        <${f} field=${`response_headers[${t}].value`} label=${`Header ${t+1} value`} hideLabel
          value=${e[1]} onValue=${o=>n([e[0],o])} placeholder="DENY" />
      </td>
      <td><button type="button" class="link" onClick=${a}
        aria-label=${`Remove header ${t+1}`}>Remove</button></td>
    </tr>
  `}function Wt({rows:e,onValue:t}){let n=a=>i=>t(e.map((o,s)=>s===a?i:o));return r`
    <fieldset>
      <legend>Response headers</legend>
      ${e.length>0&&r`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th><span class="sr-only">Remove</span></th>
            </tr>
          </thead>
          <tbody>${e.map((a,i)=>r`
              <${Mn} key=${i} h=${a} i=${i} set=${n(i)}
                remove=${()=>t(e.filter((o,s)=>s!==i))} />
            `)}</tbody>
        </table>
      `}
      <button type="button" onClick=${()=>t([...e,["",""]])}>Add header</button>
      <p class="hint">Sent with every response (<code>add_header ... always</code>).</p>
    </fieldset>
  `}function qt({blocks:e,onValue:t}){let n=(a,i)=>o=>t(e.map((s,l)=>l===a?{...s,[i]:o}:s));return r`
    <fieldset>
      <legend>Extra nginx blocks</legend>
      ${e.map((a,i)=>r`
          <div class="row" key=${i}>
            <${f} as="select" field=${`extra_blocks[${i}].zone`} label=${`Block ${i+1} position`}
              value=${a.zone} onValue=${n(i,"zone")}>
              ${On.map(([o,s])=>r`<option value=${o}>${s}</option>`)}
            </${f}>
            <${f} as="textarea" field=${`extra_blocks[${i}].content`} label=${`Block ${i+1} directives`}
              value=${a.content} onValue=${n(i,"content")} grow />
            <button type="button" class="link" onClick=${()=>t(e.filter((o,s)=>s!==i))}
              aria-label=${`Remove block ${i+1}`}>Remove</button>
          </div>
        `)}
      <button type="button" onClick=${()=>t([...e,{zone:"top",content:""}])}>Add block</button>
      <p class="hint">
        Raw nginx, checked before use: braces must balance; <code>include</code>, <code>load_module</code>, Lua, njs and Perl directives are refused.
      </p>
    </fieldset>
  `}var In={name:"",description:"",server_names:[],listen:[],redirect_http:!1,routes:[],extra_blocks:[],response_headers:{}};function Un(e){let t=new Set(e.map(n=>n.name).filter(Boolean));return e.map(n=>{if(n.name)return n;let a=Bt(n.path,t);return t.add(a),{...n,name:a}})}function Gn({initial:e,pools:t,isNew:n}){let[a,i]=h(e),[o,s]=h(()=>Object.entries(e.response_headers??{})),[l,p]=h(()=>e.ip_rules??{mode:"",addresses:[]}),[d,u]=h(()=>Mt(e)),{busy:g,error:c,saved:$,save:_,setError:y}=M("site","sites"),[k,T]=h(null),w=R=>B=>i(F=>({...F,[R]:B}));function N(R){let B=new Set;for(let[F]of o){if(B.has(F.toLowerCase()))throw Lt("VALIDATION_FAILED",`response_headers.${F}`,"listed twice");B.add(F.toLowerCase())}return{...ke(a),routes:R,response_headers:Object.fromEntries(o),ip_rules:l.mode?{mode:l.mode,addresses:l.addresses}:void 0,tls:It(d),redirect_http:d.mode?a.redirect_http:!1,default_pool:a.default_pool||void 0,client_max_body_size:a.client_max_body_size||void 0}}async function Y(R){R.preventDefault();let B=Un(a.routes);i(V=>({...V,routes:B}));let F;try{F=N(B)}catch(V){return y(V)}let W=await _(a.name,F,n?0:a.version);W&&(i(W),n&&(O(W),A(`/sites/edit/${b(W.name)}`)))}async function U(){if(confirm(`Delete site "${a.name}"?`)){T(null);try{await v("DELETE",`/api/sites/${b(a.name)}`),A("/sites")}catch(R){T(R)}}}return r`
    <${L.Provider} value=${c}>
      <form onSubmit=${Y} novalidate aria-label="Site">
        <${x} error=${c} title="Not saved" />
        <${I} rec=${$} />
        ${a.managed_by&&r`<div class="warning">
          Managed by ${a.managed_by.kind} "${a.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${a.name} onValue=${w("name")}
              disabled=${!n} placeholder="shop" />
            <${f} as="select" field="default_pool" label="Default pool (serves /)"
              value=${a.default_pool??""} onValue=${w("default_pool")}>
              <option value="">none</option>
              ${t.map(R=>r`<option value=${R}>${R}</option>`)}
              ${a.default_pool&&!t.includes(a.default_pool)&&r`<option value=${a.default_pool}>${a.default_pool} (missing)</option>`}
            </${f}>
            <${f} field="client_max_body_size" label="Max body size" value=${a.client_max_body_size}
              onValue=${w("client_max_body_size")} placeholder="1m (nginx default)" />
          </div>
          <${K} field="server_names" label="Server names" value=${a.server_names}
            onValue=${w("server_names")} hint="One per line: shop.example.com, *.example.com, _ (any)" />
          <${f} field="description" label="Description" value=${a.description}
            onValue=${w("description")} />
        </div>
        <${Ht} routes=${a.routes} pools=${t} onValue=${w("routes")} />
        <${Ot} listen=${a.listen} onValue=${w("listen")} />
        <${Ut} tls=${d} onValue=${u} redirect=${a.redirect_http} onRedirect=${w("redirect_http")} />
        <${Gt} ip=${l} onValue=${p} />
        <${Wt} rows=${o} onValue=${s} />
        <${qt} blocks=${a.extra_blocks} onValue=${w("extra_blocks")} />
        <div class="actions">
          <${m} type="submit" class="primary" busy=${g} busyText="Saving and applying…">Save</${m}>
          ${c&&r`<span class="field-error">Not saved: ${c.code} (see above)</span>`}
          ${!n&&r`<${m} class="danger" onClick=${U} busyText="Deleting…">Delete site</${m}>`}
          <a href="#/sites">Back to sites</a>
        </div>
        <${x} error=${k} title="Delete refused" />
      </form>
    </${L.Provider}>
    ${!n&&r`<${Se} kind="site" name=${a.name} />`}
  `}function ze({name:e}){let{data:t,error:n}=E(async()=>{let[a,i]=await Promise.all([e?v("GET",`/api/sites/${b(e)}`):Promise.resolve(In),v("GET","/api/pools")]);return{site:a,pools:i.pools.map(o=>o.name)}},[e]);return r`
    <div class="page-head">
      <h1>${e?`Site ${e}`:"New site"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&r`<${Gn} initial=${t.site} pools=${t.pools} isNew=${!e} />`}
  `}function Wn(e){let t=Ee(e),n=t==="pool"?`pool ${e.pool}`:t==="upstream"?e.upstream:t==="redirect"?`${e.redirect.code} ${e.redirect.url}`:`files ${e.static.root}`;return`${e.match==="exact"?"= ":e.match==="regex"?"~ ":""}${e.path} \u2192 ${n}`}function qn(){let{data:e,error:t,reload:n}=E(()=>v("GET","/api/sites"),[]),[a,i]=h(null);async function o(s){if(confirm(`Delete site "${s}"?`)){i(null);try{await v("DELETE",`/api/sites/${b(s)}`)}catch(l){i(l)}await n()}}return r`
    <div class="page-head">
      <h1>Sites</h1>
      <a class="button primary" href="#/sites/new">New site</a>
    </div>
    <${x} error=${t} />
    <${x} error=${a} title="Delete refused" />
    ${e&&r`
      <div class="panel table-wrap">
        ${e.sites.length===0?r`<p class="muted">No sites yet. A site is an nginx server block: host names, ports and routes.</p>`:r`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Server names</th>
                  <th>Listen</th>
                  <th>Default pool</th>
                  <th>Routes</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${e.sites.map(s=>r`
                    <tr data-site=${s.name}>
                      <td><a href=${`#/sites/edit/${b(s.name)}`}>${s.name}</a>
                        ${s.managed_by&&r`
                          <span class="badge">managed by ${s.managed_by.kind}</span>
                        `}
                        ${s.description&&r`<div class="hint">${s.description}</div>`}</td>
                      <td>${s.server_names.length?s.server_names.join(", "):r`<span class="muted">none</span>`}</td>
                      <td>${s.listen.length?s.listen.map(l=>`${l.port}${l.ssl?" ssl":""}`).join(", "):r`<span class="muted">default${s.tls?" + https":""}</span>`}</td>
                      <td>${s.default_pool?r`<a href=${`#/pools/edit/${b(s.default_pool)}`}>${s.default_pool}</a>`:"\u2013"}</td>
                      <td>${s.routes.map(l=>r`<div><code>${Wn(l)}</code></div>`)}</td>
                      <td>
                        <${m} class="danger" onClick=${()=>o(s.name)} busyText="Deleting…"
                          aria-label=${`Delete site ${s.name}`}>Delete</${m}></td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
      </div>
    `}
  `}function zn({route:e}){let[t,n]=e.rest;return t==="new"?r`<${ze} key="new" name=${null} />`:t==="edit"&&n?r`<${ze} key=${n} name=${n} />`:r`<${qn} />`}j({path:"/sites",title:"Sites",component:zn});function zt(e,t,n){return e.status!=="active"?{label:"inactive",cls:"",why:""}:n?n.ok?{label:"healthy",cls:"ok",why:"service, port, route and both hops answer"}:{label:"failing",cls:"bad",why:n.issues.join("; ")}:t?t.active?{label:t.state,cls:"ok",why:"run Check to test both hops"}:{label:t.state,cls:"bad",why:`${t.manager} reports ${t.state}`}:{label:"unknown",cls:"",why:"service state not read"}}function oe(e){return e?"skipped"in e?`skipped: ${e.skipped}`:e.ok?`${e.status} in ${e.ms} ms`:e.error||`HTTP ${e.status}`:""}var Jn={name:"",description:"",command:"",root:"",health_path:""};function Te(e,t){let n={name:e.name,port:e.port,status:t};for(let a of["description","command","root","health_path"]){let i=typeof e[a]=="string"?e[a].trim():e[a];i&&(n[a]=i)}return n}function Kn({rec:e}){let t=e.checks?.internal,n=e.checks?.external;return r`
    <section class="panel" aria-label="Activation" data-activation=${e.name}>
      <dl class="facts">
        ${e.service&&r`
          <dt>Service</dt>
          <dd>${e.service.manager} ${e.service.state}${e.service.pid?` (pid ${e.service.pid})`:""}</dd>
        `}
        ${t&&r`
          <dt>Internal hop</dt>
          <dd data-hop="internal">${t.url}: ${oe(t)}</dd>
        `}
        ${n&&r`
          <dt>External hop</dt>
          <dd data-hop="external">${n.url?`${n.url}: `:""}${oe(n)}</dd>
        `}
        ${e.url&&r`
          <dt>Address</dt>
          <dd><a href=${e.url}>${e.url}</a></dd>
        `}
        ${e.scaffolded&&r`
          <dt>Scaffolded</dt>
          <dd><code>${e.scaffolded}</code></dd>
        `}
      </dl>
      ${(e.warnings||[]).map(a=>r`<div class="warning">${a}</div>`)}
    </section>
  `}function Yn({initial:e,isNew:t}){let[n,a]=h(e),{busy:i,error:o,saved:s,save:l}=M("project","projects"),[p,d]=h({error:null,rec:null}),u=_=>y=>a(k=>({...k,[_]:y}));async function g(_){_.preventDefault(),d({error:null,rec:null});let y=await l(n.name,Te(n,"active"),t?0:n.version);y&&(a(k=>({...k,...y})),t&&(O(y),A(`/projects/edit/${b(y.name)}`)))}let c=_=>async()=>{let y=_==="deactivate"?`Deactivate project "${n.name}"? Its route is removed and its service stopped.`:`Forget project "${n.name}"? It is deactivated and its record deleted; its directory stays.`;if(confirm(y)){d({error:null,rec:null});try{let k=_==="deactivate"?await v("PUT",`/api/projects/${b(n.name)}`,Te(n,"inactive"),{ifMatch:n.version}):await v("DELETE",`/api/projects/${b(n.name)}`);if(_==="forget")return A("/projects");a(T=>({...T,...k})),d({error:null,rec:k})}catch(k){d({error:k,rec:null})}}},$=o?.detail?.diagnosis;return r`
    <${L.Provider} value=${o}>
      <form onSubmit=${g} novalidate aria-label="Project">
        <${x} error=${o} title="Not activated" />
        ${$&&r`<pre data-diagnosis>${$}</pre>`}
        <${I} rec=${s} />
        ${s&&r`<${Kn} rec=${s} />`}
        ${p.rec&&r`
          <div class="success" role="status">Deactivated: the route is removed and the service
            ${p.rec.service?.state??"stopped"}.</div>
        `}
        <${x} error=${p.error} title="Refused" />
        ${!t&&r`
          <p>Status: <span class=${`badge ${n.status==="active"?"ok":""}`}>${n.status}</span>${n.directory&&r`
            · directory <code>${n.directory}</code>
          `}</p>
        `}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${n.name} onValue=${u("name")}
              disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-': served at /<name>/":void 0} />
            <${H} field="port" label="Port" value=${n.port} onValue=${u("port")}
              min="1024" max="65535" placeholder="9100" hint="127.0.0.1:<port>, 1024-65535" />
          </div>
          <div class="row">
            <${f} field="command" label="Command" value=${n.command} onValue=${u("command")} placeholder="python3 web.py" grow
              hint="Run in the project directory, without a shell; empty: python3 web.py (scaffolded)" />
            <${f} field="health_path" label="Health path" value=${n.health_path}
              onValue=${u("health_path")} placeholder="/health" />
          </div>
          <${f} field="root" label="Root directory" value=${n.root} onValue=${u("root")}
            placeholder="(the projects_root setting)"
            hint="The project lives in <root>/<name>/; empty: the projects_root setting" />
          <${f} field="description" label="Description" value=${n.description}
            onValue=${u("description")} />
        </div>
        <div class="actions">
          <${m} type="submit" class="primary" busy=${i} busyText="Activating…">${t||n.status!=="active"?"Activate":"Save and re-activate"}</${m}>
          ${o&&r`<span class="field-error">Not activated: ${o.code} (see above)</span>`}
          ${!t&&n.status==="active"&&r`
            <${m} class="danger" onClick=${c("deactivate")} busyText="Deactivating…">Deactivate</${m}>
          `}
          ${!t&&r`<${m} class="danger" onClick=${c("forget")} busyText="Forgetting…">Forget</${m}>`}
          <a href="#/projects">Back to projects</a>
        </div>
      </form>
    </${L.Provider}>
  `}function Je({name:e}){let{data:t,error:n}=E(()=>e?v("GET",`/api/projects/${b(e)}`):Promise.resolve(Jn),[e]);return r`
    <div class="page-head">
      <h1>${e?`Project ${e}`:"Activate a project"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&r`<${Yn} initial=${t} isNew=${!e} />`}
  `}function le({ok:e,yes:t="ok",no:n="failing"}){return r`<span class=${`badge ${e?"ok":"bad"}`}>${e?t:n}</span>`}function ie({part:e,text:t}){return e?r`<td><${le} ok=${e.ok} /> <span class="hint">${t}</span></td>`:r`<td class="muted">—</td>`}function Xn({p:e}){return r`
    <tr data-check-project=${e.name} data-ok=${String(e.ok)}>
      <td>${e.name}</td>
      <td>${e.status==="active"?r`<${le} ok=${e.ok} />`:r`<span class="badge">inactive</span>`}</td>
      <${ie} part=${e.service} text=${e.service&&`${e.service.manager} ${e.service.state}${e.service.pid?` pid ${e.service.pid}`:""}`} />
      <${ie} part=${e.listening} text=${e.listening&&`${e.port}${e.listening.holders?`: ${e.listening.holders}`:""}`} />
      <${ie} part=${e.route} text=${e.route?.message} />
      <${ie} part=${e.internal} text=${e.internal&&`${e.internal.url}: ${oe(e.internal)}`} />
      <${ie} part=${e.external} text=${e.external&&`${e.external.url}: ${oe(e.external)}`} />
    </tr>
  `}function Jt({report:e}){let{nginx:t,routes:n}=e;return r`
    <section class="panel" aria-labelledby="check-head" data-check=${e.ok?"ok":"failed"}>
      <h2 id="check-head">Check <${le} ok=${e.ok} yes="all good" no="issues found" /></h2>
      <p class="hint">Checked at ${new Date(e.checked_at).toLocaleString()}.</p>
      ${e.issues.length>0&&r`
        <ul class="check-issues">${e.issues.map(a=>r`<li>${a}</li>`)}</ul>
      `}
      <dl class="facts">
        <dt>nginx</dt>
        <dd><${le} ok=${t.ok} /> ${t.installed?`${t.running?`running, pid ${t.pid}`:"not running"}; nginx -t ${t.config_ok?"passes":"fails"}`:"not installed (dry-run)"}</dd>
        <dt>Routes</dt>
        <dd><${le} ok=${n.ok} /> ${n.mode} mode${n.file?r`, read from <code>${n.file}</code>`:""}${n.pending.length>0?`; pending: ${n.pending.join(", ")}`:""}</dd>
      </dl>
      ${t.config_ok===!1&&r`<pre>${t.config_output}</pre>`}
      ${e.projects.length>0&&r`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Project</th>
                <th>Result</th>
                <th>Service</th>
                <th>Port</th>
                <th>Route</th>
                <th>Internal hop</th>
                <th>External hop</th>
              </tr>
            </thead>
            <tbody>${e.projects.map(a=>r`<${Xn} key=${a.name} p=${a} />`)}</tbody>
          </table>
        </div>
      `}
    </section>
  `}async function Zn(){let{projects:e}=await v("GET","/api/projects"),t=Object.fromEntries(await Promise.all(e.filter(n=>n.status==="active").map(n=>v("GET",`/api/projects/${b(n.name)}`).then(a=>[n.name,a.service],()=>[n.name,null]))));return{projects:e,services:t}}function Qn({p:e,service:t,check:n,onDeactivate:a}){let i=zt(e,t,n);return r`
    <tr data-project=${e.name}>
      <td><a href=${`#/projects/edit/${b(e.name)}`}>${e.name}</a>
        ${e.description&&r`<div class="hint">${e.description}</div>`}</td>
      <td><span class=${`badge ${e.status==="active"?"ok":""}`}>${e.status}</span></td>
      <td class="num">${e.port}</td>
      <td data-health=${i.label}><span class=${`badge ${i.cls}`}>${i.label}</span>
        ${i.why&&r`<div class="hint">${i.why}</div>`}</td>
      <td><code>${e.command}</code></td>
      <td>${e.status==="active"?r`
          <${m} class="danger" onClick=${()=>a(e)} busyText="Deactivating…"
            aria-label=${`Deactivate project ${e.name}`}>Deactivate</${m}>
        `:r`
          <a href=${`#/projects/edit/${b(e.name)}`}
            aria-label=${`Activate project ${e.name}`}>Activate…</a>
        `}</td>
    </tr>
  `}function ea(){let{data:e,error:t,reload:n}=E(Zn,[]),[a,i]=h(null),[o,s]=h(null);async function l(){s(null);try{i(await v("POST","/api/projects/check"))}catch(u){s(u)}}async function p(u){if(confirm(`Deactivate project "${u.name}"? Its route is removed and its service stopped.`)){s(null);try{await v("PUT",`/api/projects/${b(u.name)}`,Te(u,"inactive"),{ifMatch:u.version}),i(null)}catch(g){s(g)}await n()}}let d=Object.fromEntries((a?.projects||[]).map(u=>[u.name,u]));return r`
    <div class="page-head">
      <h1>Projects</h1>
      <div class="row">
        <${m} onClick=${l} busyText="Checking…">Check</${m}>
        <a class="button primary" href="#/projects/new">Activate a project</a>
      </div>
    </div>
    <${x} error=${t} />
    <${x} error=${o} title="Refused" />
    ${e&&r`
      <div class="panel table-wrap">
        ${e.projects.length===0?r`<p class="muted">No projects yet. A project is a backend on 127.0.0.1:&lt;port&gt;,
              run as a service and served at /&lt;name&gt;/.</p>`:r`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th class="num">Port</th>
                  <th>Health</th>
                  <th>Command</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${e.projects.map(u=>r`
                  <${Qn} key=${u.name} p=${u} service=${e.services[u.name]}
                    check=${d[u.name]} onDeactivate=${p} />
                `)}</tbody>
            </table>
          `}
      </div>
    `}
    ${a&&r`<${Jt} report=${a} />`}
  `}function ta({route:e}){let[t,n]=e.rest;return t==="new"?r`<${Je} key="new" name=${null} />`:t==="edit"&&n?r`<${Je} key=${n} name=${n} />`:r`<${ea} />`}j({path:"/projects",title:"Projects",component:ta});var na={name:"",description:"",domain:"",upstream_host:"127.0.0.1",require_healthy:!0,enable_ssl:!1,health_path:"/health"};function aa(e){let t={name:e.name,description:e.description??"",domain:(e.domain??"").trim(),upstream_host:(e.upstream_host??"").trim(),upstream_port:e.upstream_port,require_healthy:!!e.require_healthy,enable_ssl:!!e.enable_ssl,health_path:(e.health_path??"").trim()||"/health"};return e.email?.trim()&&(t.email=e.email.trim()),t}function Kt({cert:e}){return e?r`
    <div class="notice" data-certificate=${e.status}>
      Certificate <strong>${e.name}</strong>: <span class="badge">${e.status}</span>
      ${e.not_after&&` valid until ${new Date(e.not_after).toLocaleString()}`}
      ${e.reason&&r`<div class="hint">${e.reason}</div>`}
    </div>
  `:null}function oa({draft:e,onDone:t}){let[n,a]=h(!1),[i,o]=h({error:null,cert:null});async function s(){o({error:null,cert:null});try{let l={force_renew:n,...e.email?{email:e.email}:{}},p=await v("POST",`/api/proxies/${b(e.name)}/ssl`,l);o({error:null,cert:p.certificate}),t(p)}catch(l){o({error:l,cert:null})}}return r`
    <section class="panel" aria-labelledby="ssl-head">
      <h2 id="ssl-head">HTTPS</h2>
      <p>${e.ssl_enabled?r`<span class="badge ok">served over HTTPS</span>`:r`<span class="badge">HTTP only</span>`}</p>
      <div class="row">
        <${C} field="force_renew" label="force renewal of a valid certificate"
          checked=${n}
          onValue=${a} />
        <${m} onClick=${s} busyText="Issuing…">Enable HTTPS</${m}>
      </div>
      <${x} error=${i.error} title="Not issued" />
      <${Kt} cert=${i.cert} />
    </section>
  `}function ra({initial:e,isNew:t}){let[n,a]=h(e),{busy:i,error:o,saved:s,save:l}=M("proxy","proxies"),[p,d]=h(null),u=_=>y=>a(k=>({...k,[_]:y}));async function g(_){_.preventDefault();let y=await l(n.name,aa(n),t?0:n.version);y&&(a(y),t&&(O(y),A(`/proxies/edit/${b(y.name)}`)))}async function c(){if(confirm(`Delete proxy "${n.name}" (its site and pool; the certificate stays)?`)){d(null);try{await v("DELETE",`/api/proxies/${b(n.name)}`),A("/proxies")}catch(_){d(_)}}}let $=o?.code==="SSL_ISSUANCE_FAILED"&&o.detail?.apply;return r`
    <${L.Provider} value=${o}>
      <form onSubmit=${g} novalidate aria-label="Proxy">
        <${x} error=${o} title="Not saved" />
        ${$&&r`
          <div class="warning">The proxy was saved and serves plain HTTP: <a
            href=${`#/proxies/edit/${b(n.name)}`}>open it</a> to retry HTTPS.</div>
        `}
        <${I} rec=${s} />
        <${Kt} cert=${s?.certificate} />
        ${!t&&r`
          <p>Status: <span class=${`badge ${n.status==="active"?"ok":"warn"}`}
            data-status=${n.status}>${n.status}</span> · <a href=${n.url}>${n.url}</a> · site <a href=${`#/sites/edit/${b(n.site)}`}>${n.site}</a>,
            pool <a href=${`#/pools/edit/${b(n.pool)}`}>${n.pool}</a></p>
        `}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${n.name} onValue=${u("name")}
              disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-'":void 0} />
            <${f} field="domain" label="Domain" value=${n.domain} onValue=${u("domain")}
              placeholder="shop.example.com" grow />
          </div>
          <div class="row">
            <${f} field="upstream_host" label="Upstream host" value=${n.upstream_host}
              onValue=${u("upstream_host")} placeholder="127.0.0.1" grow />
            <${H} field="upstream_port" label="Upstream port" value=${n.upstream_port}
              onValue=${u("upstream_port")} min="1" max="65535" placeholder="8080" />
            <${f} field="health_path" label="Health path" value=${n.health_path}
              onValue=${u("health_path")} placeholder="/health" />
          </div>
          <${C} field="require_healthy" label="require a healthy upstream (health path answers 2xx) before saving"
            checked=${n.require_healthy} onValue=${u("require_healthy")} />
          <div class="row">
            <${C} field="enable_ssl" label="HTTPS with a certificate from ACME"
              checked=${n.enable_ssl} onValue=${u("enable_ssl")} />
            ${n.enable_ssl&&r`
              <${f} field="email" label="ACME account email" value=${n.email}
                onValue=${u("email")} placeholder="(the acme_email setting)" grow />
            `}
          </div>
          <${f} field="description" label="Description" value=${n.description}
            onValue=${u("description")} />
        </div>
        <div class="actions">
          <${m} type="submit" class="primary" busy=${i} busyText="Saving and applying…">Save</${m}>
          ${o&&r`<span class="field-error">Not saved: ${o.code} (see above)</span>`}
          ${!t&&r`<${m} class="danger" onClick=${c} busyText="Deleting…">Delete proxy</${m}>`}
          <a href="#/proxies">Back to proxies</a>
        </div>
        <${x} error=${p} title="Delete refused" />
      </form>
    </${L.Provider}>
    ${!t&&n.enable_ssl&&r`<${oa} draft=${n} onDone=${_=>a(y=>({...y,..._}))} />`}
  `}function Ke({name:e}){let{data:t,error:n}=E(()=>e?v("GET",`/api/proxies/${b(e)}`):Promise.resolve(na),[e]);return r`
    <div class="page-head">
      <h1>${e?`Proxy ${e}`:"New proxy"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&r`<${ra} initial=${t} isNew=${!e} />`}
  `}function sa({r:e}){return r`
    <div class="success" role="status" data-sync=${e.synced_count}>
      Synced ${e.synced_count} from <code>${e.source}</code> (created ${e.created.length}, updated
      ${e.updated.length}, unchanged ${e.unchanged.length}); apply: <${Q}
        status=${e.apply.status} />.
      ${e.skipped.length>0&&r`
        <ul>${e.skipped.map(t=>r`<li>skipped <strong>${t.name}</strong>: ${t.reason}</li>`)}</ul>
      `}
    </div>
  `}function ia(){let{data:e,error:t,reload:n}=E(()=>v("GET","/api/proxies"),[]),[a,i]=h(null),[o,s]=h(null);async function l(d){if(confirm(`Delete proxy "${d}" (its site and pool; the certificate stays)?`)){i(null);try{await v("DELETE",`/api/proxies/${b(d)}`)}catch(u){i(u)}await n()}}async function p(){i(null),s(null);try{s(await v("POST","/api/proxies/sync-from-registry",{}))}catch(d){i(d)}await n()}return r`
    <div class="page-head">
      <h1>Proxies</h1>
      <div class="row">
        <${m} onClick=${p} busyText="Syncing…">Sync from registry</${m}>
        <a class="button primary" href="#/proxies/new">New proxy</a>
      </div>
    </div>
    <${x} error=${t} />
    <${x} error=${a} title="Refused" />
    ${o&&r`<${sa} r=${o} />`}
    ${e&&r`
      <div class="panel table-wrap">
        ${e.proxies.length===0?r`<p class="muted">No proxies yet. A proxy puts one domain in front of one upstream.</p>`:r`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domain</th>
                  <th>Upstream</th>
                  <th>Status</th>
                  <th>HTTPS</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${e.proxies.map(d=>r`
                  <tr data-proxy=${d.name}>
                    <td><a href=${`#/proxies/edit/${b(d.name)}`}>${d.name}</a>
                      ${d.description&&r`<div class="hint">${d.description}</div>`}</td>
                    <td><a href=${d.url}>${d.domain}</a></td>
                    <td><code>${d.upstream_host}:${d.upstream_port}</code>${d.require_healthy&&r`<div class="hint">must be healthy (${d.health_path})</div>`}</td>
                    <td><span class=${`badge ${d.status==="active"?"ok":"warn"}`}
                      data-status=${d.status}>${d.status}</span></td>
                    <td>${d.ssl_enabled?r`<span class="badge ok">on</span>`:d.enable_ssl?r`<span class="badge warn">no certificate yet</span>`:r`<span class="muted">off</span>`}</td>
                    <td>
                      <${m} class="danger" onClick=${()=>l(d.name)} busyText="Deleting…"
                        aria-label=${`Delete proxy ${d.name}`}>Delete</${m}></td>
                  </tr>
                `)}</tbody>
            </table>
          `}
      </div>
    `}
  `}function la({route:e}){let[t,n]=e.rest;return t==="new"?r`<${Ke} key="new" name=${null} />`:t==="edit"&&n?r`<${Ke} key=${n} name=${n} />`:r`<${ia} />`}j({path:"/proxies",title:"Proxies",component:la});var da={active:"ok",pending:"warn",expiring:"warn",expired:"bad",failed:"bad"};function Pe({c:e}){return r`<span class=${`badge ${da[e.status]||""}`} data-status=${e.status}>${e.status}</span>`}function Yt(e,t=Date.now()){return e?Math.floor((Date.parse(e)-t)/864e5):null}function Xt(e){let t=[];e.renewed.length&&t.push(`renewed: ${e.renewed.join(", ")}`);for(let n of e.failed)t.push(`failed ${n.name}: ${n.message}`);for(let n of e.deferred)t.push(`deferred ${n.name} until ${n.until}`);return e.valid.length&&t.push(`still valid: ${e.valid.join(", ")}`),t.length?t:["no certificates"]}var ca={name:"",domains:[],email:""};function ua({c:e}){let t=n=>n?new Date(n).toLocaleString():"\u2014";return r`
    <section class="panel" aria-label="Certificate">
      <dl class="facts">
        <dt>Status</dt><dd><${Pe} c=${e} /></dd>
        <dt>Valid</dt><dd>${t(e.not_before)} – ${t(e.not_after)}</dd>
        <dt>Issuer</dt><dd>${e.issuer||"\u2014"}</dd>
        <dt>Serial</dt><dd class="mono">${e.serial||"\u2014"}</dd>
        ${e.file_domains&&r`
          <dt>File covers</dt>
          <dd>${e.file_domains.join(", ")}</dd>
        `}
        <dt>Used by</dt>
        <dd>${e.sites.length?e.sites.map(n=>r`
              <a href=${`#/sites/edit/${b(n)}`}>${n}</a>
            `):r`<span class="muted">no site</span>`}</dd>
        ${e.files&&r`
          <dt>Files</dt>
          <dd class="mono">${e.files.certificate}</dd>
        `}
        <dt>Last attempt</dt><dd>${t(e.last_attempt_at)}</dd>
        ${e.next_attempt_after&&r`
          <dt>Next attempt</dt>
          <dd>not before ${t(e.next_attempt_after)}</dd>
        `}
      </dl>
      ${e.reason&&r`<p class="hint" data-reason>${e.reason}</p>`}
      ${e.last_error&&r`<div class="error">Last error<pre>${e.last_error}</pre></div>`}
    </section>
  `}function pa({name:e,onDone:t}){let[n,a]=h(!1),[i,o]=h(null);async function s(){o(null);try{t(await v("POST",`/api/certs/${b(e)}/renew`,{force:n}))}catch(l){o(l)}}return r`
    <div class="row">
      <${C} field="force" label="force (re-issue a valid certificate)" checked=${n}
        onValue=${a} />
      <${m} onClick=${s} busyText="Renewing…">Renew now</${m}>
    </div>
    <${x} error=${i} title="Not renewed" />
  `}function $a({initial:e,isNew:t}){let[n,a]=h(e),{busy:i,error:o,saved:s,save:l}=M("certificate","certs"),[p,d]=h(null),u=$=>_=>a(y=>({...y,[$]:_}));async function g($){$.preventDefault();let _={domains:n.domains,...n.email?{email:n.email}:{}},y=await l(n.name,_,t?0:n.version);y&&(a(y),t&&(O(y),A(`/certs/edit/${b(y.name)}`)))}async function c(){if(confirm(`Delete certificate "${n.name}" and its files?`)){d(null);try{await v("DELETE",`/api/certs/${b(n.name)}`),A("/certs")}catch($){d($)}}}return r`
    <${L.Provider} value=${o}>
      <form onSubmit=${g} novalidate aria-label="Certificate">
        <${x} error=${o} title="Not saved" />
        <${I} rec=${s} />
        <div class="panel">
          <${f} field="name" label="Name" value=${n.name} onValue=${u("name")}
            disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-'; a site uses it as tls.cert":void 0} />
          <${K} field="domains" label="Domains" value=${n.domains}
            onValue=${u("domains")} placeholder="shop.example.com"
            hint="One per line; HTTP-01 validation, so no wildcards and no IP addresses" />
          <${f} field="email" label="ACME account email" value=${n.email}
            onValue=${u("email")} placeholder="(the acme_email setting)" />
        </div>
        <div class="actions">
          <${m} type="submit" class="primary" busy=${i}
            busyText="Issuing…">Save and issue</${m}>
          ${o&&r`<span class="field-error">Not saved: ${o.code} (see above)</span>`}
          ${!t&&r`
              <${m} class="danger" onClick=${c}
                busyText="Deleting…">Delete certificate</${m}>
            `}
          <a href="#/certs">Back to certificates</a>
        </div>
        <${x} error=${p} title="Delete refused" />
      </form>
    </${L.Provider}>
    ${!t&&r`
      <${ua} c=${n} />
      <${pa} name=${n.name} onDone=${a} />
    `}
  `}function Ye({name:e}){let{data:t,error:n}=E(()=>e?v("GET",`/api/certs/${b(e)}`):Promise.resolve(ca),[e]);return r`
    <div class="page-head">
      <h1>${e?`Certificate ${e}`:"New certificate"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&r`<${$a} initial=${t} isNew=${!e} />`}
  `}function fa(){let{data:e,error:t,reload:n}=E(()=>v("GET","/api/certs"),[]),[a,i]=h(null),[o,s]=h(null);async function l(d){if(confirm(`Delete certificate "${d}" and its files?`)){i(null);try{await v("DELETE",`/api/certs/${b(d)}`)}catch(u){i(u)}await n()}}async function p(){i(null),s(null);try{s(await v("POST","/api/certs/renew"))}catch(d){i(d)}await n()}return r`
    <div class="page-head">
      <h1>Certificates</h1>
      <div class="row">
        <${m} onClick=${p} busyText="Renewing…">Renew due</${m}>
        <a class="button primary" href="#/certs/new">New certificate</a>
      </div>
    </div>
    <${x} error=${t} />
    <${x} error=${a} title="Refused" />
    ${o&&r`
      <div class="notice" role="status" data-renewal>Renewal job ran:
        <ul>${Xt(o).map(d=>r`<li>${d}</li>`)}</ul>
      </div>
    `}
    ${e&&r`
      <div class="panel table-wrap">
        ${e.certs.length===0?r`
            <p
              class="muted">No certificates yet. A site names one in its TLS settings; a proxy with HTTPS gets its own.</p>
          `:r`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Domains</th>
                  <th>Status</th>
                  <th>Expires</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${e.certs.map(d=>{let u=Yt(d.not_after);return r`
                  <tr data-cert=${d.name}>
                    <td><a href=${`#/certs/edit/${b(d.name)}`}>${d.name}</a></td>
                    <td>${d.domains.map(g=>r`<div><code>${g}</code></div>`)}</td>
                    <td><${Pe} c=${d} />${d.last_error&&r`<div class="hint">${d.last_error.split(`
`)[0]}</div>`}</td>
                    <td>${d.not_after?r`${new Date(d.not_after).toLocaleDateString()}
                        <div class="hint">${u<0?"expired":`${u} days left`}</div>`:r`<span class="muted">not issued</span>`}</td>
                    <td>${d.sites.map(g=>r`
                        <a href=${`#/sites/edit/${b(g)}`}>${g}</a>
                      `)}</td>
                    <td>
                      <${m} class="danger" onClick=${()=>l(d.name)} busyText="Deleting…"
                        aria-label=${`Delete certificate ${d.name}`}>Delete</${m}></td>
                  </tr>
                `})}</tbody>
            </table>
          `}
      </div>
    `}
  `}function ma({route:e}){let[t,n]=e.rest;return t==="new"?r`<${Ye} key="new" name=${null} />`:t==="edit"&&n?r`<${Ye} key=${n} name=${n} />`:r`<${fa} />`}j({path:"/certs",title:"Certificates",component:ma});function ha(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!==null&&t!==""&&!(Array.isArray(t)&&t.length===0)).map(([t,n])=>`${t}: ${Array.isArray(n)?n.join(", "):typeof n=="object"?JSON.stringify(n):n}`).join("; ")}function _a({onDone:e}){let[t,n]=h(null),[a,i]=h(null),o=(l,p)=>async()=>{n(null),i(null);try{n({what:l,body:await v("POST",p)})}catch(d){i(d)}e()},s=t?.body;return r`
    <section class="panel" aria-labelledby="cfg-actions">
      <h2 id="cfg-actions">Actions</h2>
      <div class="row">
        <${m} onClick=${o("validate","/api/config/validate")} busyText="Running nginx -t…">Validate (nginx -t)</${m}>
        <${m} class="primary" onClick=${o("apply","/api/config/apply")} busyText="Applying…">Apply pending changes</${m}>
        <${m} onClick=${o("reload","/api/config/reload")} busyText="Reloading…">Reload nginx</${m}>
      </div>
      <p class="hint">Validate tests the desired state, pending changes included, without applying it.</p>
      <${x} error=${a} />
      ${t?.what==="validate"&&r`
        <div class=${s.ok?"success":"error"} role="status" data-validate=${s.ok?"ok":"failed"}>
          ${s.ok?"nginx -t passed.":"nginx -t failed."}
          ${!s.include_found&&r`<div>
            <strong>nginx.conf does not include the agent's directory:</strong> add the include line (see the README).
          </div>`}
          ${s.output&&r`<pre>${s.output}</pre>`}
        </div>
      `}
      ${t?.what==="apply"&&r`<${xe} outcome=${s} />`}
      ${t?.what==="reload"&&r`
        <div class="success" role="status">nginx reloaded onto generation ${s.generation}.
          ${s.output&&r`<pre>${s.output}</pre>`}</div>
      `}
    </section>
  `}function va(){let{data:e,error:t,reload:n}=E(()=>v("GET","/api/config/generations"),[]);return r`
    <div class="page-head">
      <h1>Config</h1>
    </div>
    <${_a} onDone=${n} />
    <section class="panel table-wrap" aria-labelledby="cfg-gens">
      <h2 id="cfg-gens">Generations</h2>
      <${x} error=${t} />
      ${e&&(e.generations.length===0?r`<p class="muted">No generation yet: the first apply writes one.</p>`:r`
            <table>
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>Written</th>
                  <th class="num">Files</th>
                  <th class="num">Entities</th>
                  <th>Cause</th>
                  <th>Hash</th>
                </tr>
              </thead>
              <tbody>${e.generations.map(a=>r`
                  <tr data-generation=${a.generation}>
                    <td class="num">${a.generation}${a.current&&r`
                      <span class="badge ok">current</span>
                    `}</td>
                    <td>${a.created_at?new Date(a.created_at).toLocaleString():""}</td>
                    <td class="num">${a.files}</td>
                    <td class="num">${a.entities}</td>
                    <td class="hint">${ha(a.cause)}</td>
                    <td class="mono">${(a.config_hash||"").slice(0,12)}</td>
                  </tr>
                `)}</tbody>
            </table>
          `)}
    </section>
  `}j({path:"/config",title:"Config",component:va});var ga=new Set(["version","created_at","updated_at"]);function De(e,t="",n=new Map){if(Array.isArray(e)&&e.length)e.forEach((a,i)=>De(a,`${t}[${i}]`,n));else if(e&&typeof e=="object"&&!Array.isArray(e)&&Object.keys(e).length)for(let[a,i]of Object.entries(e))!t&&ga.has(a)||De(i,t?`${t}.${a}`:a,n);else n.set(t||"(value)",JSON.stringify(e));return n}function ya(e,t){let n=e==null?new Map:De(e),a=t==null?new Map:De(t),i=[],o=0;for(let s of new Set([...n.keys(),...a.keys()]))a.has(s)?n.has(s)?n.get(s)!==a.get(s)?i.push({kind:"chg",text:`~ ${s}: ${n.get(s)} \u2192 ${a.get(s)}`}):o++:i.push({kind:"add",text:`+ ${s}: ${a.get(s)}`}):i.push({kind:"del",text:`- ${s}: ${n.get(s)}`});return{lines:i,same:o}}function Zt({before:e,after:t}){let{lines:n,same:a}=ya(e,t);return n.length?r`
    <ul class="diff">
      ${n.map(i=>r`<li class=${i.kind}>${i.text}</li>`)}
    </ul>
    ${a>0&&r`<p class="hint">${a} unchanged field${a===1?"":"s"} not shown.</p>`}
  `:r`<p class="muted">No field changed.</p>`}var Qt=["entity","action","from","to","page","page_size"];function en(e){if(!e)return;let t=new Date(e);return Number.isNaN(t.getTime())?e:t.toISOString()}function tn(e){if(!e)return"";let t=new Date(e);if(Number.isNaN(t.getTime()))return"";let n=a=>String(a).padStart(2,"0");return`${t.getFullYear()}-${n(t.getMonth()+1)}-${n(t.getDate())}T${n(t.getHours())}:${n(t.getMinutes())}`}function ba({query:e,error:t}){let[n,a]=h(()=>({entity:e.entity??"",action:e.action??"",from:tn(e.from),to:tn(e.to),page_size:e.page_size??"50"})),i=s=>l=>a(p=>({...p,[s]:l}));function o(s){s.preventDefault(),A("/audit",{...n,from:en(n.from),to:en(n.to),page:void 0})}return r`
    <${L.Provider} value=${t}>
      <form class="panel" onSubmit=${o} aria-label="Audit filters">
        <div class="row">
          <${f} field="entity" label="Entity" value=${n.entity} onValue=${i("entity")}
            placeholder="site or site/web" />
          <${f} field="action" label="Action" value=${n.action} onValue=${i("action")}
            placeholder="site.put, apply, ..." />
          <${f} field="from" label="From" type="datetime-local" value=${n.from}
            onValue=${i("from")} />
          <${f} field="to" label="To" type="datetime-local" value=${n.to}
            onValue=${i("to")} />
          <${f} as="select" field="page_size" label="Per page" value=${n.page_size}
            onValue=${i("page_size")}>
            ${["20","50","100","200"].map(s=>r`<option value=${s}>${s}</option>`)}
          </${f}>
          <div class="inline-actions">
            <button type="submit" class="primary">Filter</button>
            <a href="#/audit">Clear</a>
          </div>
        </div>
      </form>
    </${L.Provider}>
  `}function xa({e}){return r`
    <tr data-audit=${e.id}>
      <td class="mono">${new Date(e.at).toLocaleString()}</td>
      <td>${e.actor}</td>
      <td><code>${e.action}</code></td>
      <td><a href=${ae("/audit",{entity:`${e.entity.kind}/${e.entity.name}`})}>${e.entity.kind}/${e.entity.name}</a></td>
      <td>
        <${Q} status=${e.outcome} />
      </td>
      <td>
        ${e.message&&r`<div>${e.message}</div>`}
        <details>
          <summary>Changes${e.generation!=null?` (generation ${e.generation})`:""}</summary>
          <${Zt} before=${e.before} after=${e.after} />
          ${e.nginx_output&&r`<pre>${e.nginx_output}</pre>`}
        </details>
      </td>
    </tr>
  `}function wa({route:e}){let t=e.query,n=Qt.map(l=>t[l]??"").join("|"),{data:a,error:i}=E(()=>{let l=new URLSearchParams(Object.entries(t).filter(([p,d])=>Qt.includes(p)&&d));return v("GET",`/api/audit${l.size?`?${l}`:""}`)},[n]),o=Number(t.page||1),s=l=>ae("/audit",{...t,page:l>1?String(l):void 0});return r`
    <div class="page-head">
      <h1>Audit</h1>
    </div>
    <${ba} key=${n} query=${t} error=${i} />
    <${x} error=${i} />
    ${a&&r`
      <section class="panel table-wrap">
        ${a.entries.length===0?r`<p class="muted">No entries match.</p>`:r`
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>${a.entries.map(l=>r`<${xa} key=${l.id} e=${l} />`)}</tbody>
          </table>
        `}
        <nav class="actions" aria-label="Audit pages">
          ${o>1&&r`<a class="button" href=${s(o-1)}>← Newer</a>`}
          <span class="muted">Page ${o}</span>
          ${a.has_more&&r`<a class="button" href=${s(o+1)}>Older →</a>`}
        </nav>
      </section>
    `}
  `}j({path:"/audit",title:"Audit",component:wa});function nn(){let e=Ft(),t=Me(e.segments),n=t?t.page.title:"Not found";z(()=>{document.title=`${n} \xB7 Switchyard`},[n]);let a=t?.page.component;return r`
    <header class="topbar">
      <a class="brand" href="#/">Switchyard</a>
      <nav aria-label="Main">
        ${ne.filter(i=>i.nav).map(i=>r`
            <a href=${ae(i.path)} aria-current=${t?.page===i?"page":void 0}>${i.title}</a>
          `)}
      </nav>
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </header>
    <main class="page" id="main">
      ${a?r`<${a} key=${t.page.path} route=${{...e,rest:t.rest}} />`:r`
          <h1>Not found</h1>
          <p>No page at <code>${e.path}</code>. <a href="#/">Dashboard</a></p>
        `}
    </main>
  `}var an=document.getElementById("app");an.textContent="";pt(r`<${nn} />`,an);
